# an alias defined before eval'd text is expanded in it
alias say='echo said'
eval 'say hi'
eval 'alias two="echo two:"'
eval 'two done'
