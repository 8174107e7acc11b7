# a case inside $( ) with unbalanced )
v=$(case x in x) echo matched ;; esac)
echo "v=$v"
