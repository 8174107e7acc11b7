# an alias value ending in a blank makes the next word alias-expanded too
alias run='echo run: ' what=thing
run what
