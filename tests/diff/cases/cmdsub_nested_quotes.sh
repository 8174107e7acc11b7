# quotes inside $( ) inside double quotes
echo "$(echo "inner \"quoted\"")"
echo "$(echo 'single')"
