# the status of a case is its last command's
case a in a) false ;; esac
echo "status=$?"
case a in a) (exit 5) ;; esac
echo "status=$?"
