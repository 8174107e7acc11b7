# everything on one line, and with newlines in odd places
if true; then echo a; fi; if true
then
echo b
fi
if
true
then echo c; fi
