# ! in a condition
if ! false; then echo "not-false"; fi
if ! true; then echo x; else echo "not-true-is-false"; fi
