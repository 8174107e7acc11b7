# comment
a#b # c
