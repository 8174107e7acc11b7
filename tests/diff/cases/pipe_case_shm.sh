# a case as a stage
case a in a) echo "case out" ;; esac |[shm] tr a-z A-Z
