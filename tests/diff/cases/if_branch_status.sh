# the status of an if is that of its branch's last command
if true; then false; fi
echo "then-false=$?"
if false; then :; else (exit 7); fi
echo "else-7=$?"
