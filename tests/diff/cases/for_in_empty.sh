# for over nothing: body never runs, status 0
false
for x in; do echo never; done
echo "status=$?"
