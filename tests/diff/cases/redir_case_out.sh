# a redirection on a case
case x in x) echo "in case" ;; esac >out
echo "file: $(cat out)"
