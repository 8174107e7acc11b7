# a line continuation inside a word does not keep it from being an alias
alias lp="echo hi"
l\
p x
lp\
 y
echo $(lp\
)
