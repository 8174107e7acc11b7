# # starts a comment only at the start of a word
echo a#b # comment
echo '#quoted' "#dq" \#esc
