# break has status 0, the loop's status is 0
for x in 1; do false; break; done
echo "status=$?"
