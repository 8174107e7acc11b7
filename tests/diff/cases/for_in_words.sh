# for over a list of words
for w in alpha beta gamma; do echo "w=$w"; done
