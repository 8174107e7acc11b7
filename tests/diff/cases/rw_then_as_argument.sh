# reserved words as arguments inside compound commands
if echo then; then echo fi; fi
while false; do echo do; done
case x in x) echo esac ;; esac
for x in 1; do echo done; done
