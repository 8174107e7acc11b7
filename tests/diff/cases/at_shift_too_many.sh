# shift more than $# fails, parameters unchanged
set -- a b
(shift 3) 2>/dev/null
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
echo "$#"
