cat <<A 3<<B; echo
1
A
2
B
