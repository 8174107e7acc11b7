# && and || in a condition
if true && false || true; then echo "andor-true"; fi
if false || false; then echo x; else echo "or-false"; fi
