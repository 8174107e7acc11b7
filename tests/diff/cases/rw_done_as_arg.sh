# done inside a loop body as an argument
for x in 1; do echo done; done
