# a list as the condition: the last command decides
if false; true; then echo "last-true"; fi
if true; false; then echo x; else echo "last-false"; fi
