# an alias defined on one line is used on a later line
alias ll='echo listing'
ll
