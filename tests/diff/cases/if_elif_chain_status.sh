# several elifs, none true, no else: status 0
if false; then echo 1; elif false; then echo 2; elif false; then echo 3; fi
echo "status=$?"
