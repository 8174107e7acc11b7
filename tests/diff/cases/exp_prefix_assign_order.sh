# issue 12 §4: prefix assignments: A=1 B=$A env sees B=1
A=1 B=$A env | grep -E '^(A|B)=' | sort
