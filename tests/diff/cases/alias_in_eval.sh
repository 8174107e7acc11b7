# aliases defined earlier are expanded in eval'd text
alias greet='echo hello'
eval greet world
