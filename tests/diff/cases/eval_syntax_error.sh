# a syntax error in eval'd text
(eval 'if then') 2>/dev/null
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
