a | [ -f x ] && b || c
