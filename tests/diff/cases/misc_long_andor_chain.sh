# a long chain of compound commands
if true; then echo 1; fi && { echo 2; } && (echo 3) && for i in 4; do echo $i; done && case 5 in 5) echo 5 ;; esac
