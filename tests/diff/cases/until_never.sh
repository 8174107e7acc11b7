# until with a true condition: body never runs, status 0
until true; do echo never; done
echo "status=$?"
