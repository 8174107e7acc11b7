# >> on a for loop
for i in 1 2; do echo "a$i"; done >out
for i in 3; do echo "a$i"; done >>out
cat out
