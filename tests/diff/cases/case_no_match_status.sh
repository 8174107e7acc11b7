# no item matches: status 0
false
case z in a) echo a ;; esac
echo "status=$?"
