# 2>/dev/null on a subshell silences its commands
(echo visible; ls /nonexistent-dir-xyz) 2>/dev/null
echo "status=$?"
