# command -v of an alias
alias ll='ls -l'
command -v ll
