# . inside a loop
echo 'n=$((n + 1))' >inc.sh
n=0
for i in 1 2 3; do . ./inc.sh; done
echo "n=$n"
