# case on one line
case 1 in 0) echo zero;; 1) echo one;; esac
