# empty lines, comments and ; between compound commands
# a comment

if true; then echo a; fi ; for i in 1; do echo b; done

# another comment
{ echo c; }
