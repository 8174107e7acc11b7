# issue 12 §4: & runs its list in a subshell environment
echo ${b=2} & wait; echo "b=$b"
