# unalias removes an alias
alias x='echo x'
unalias x
x 2>/dev/null || echo "x is gone"
alias y='echo y'
unalias -a
alias
echo "listed nothing"
