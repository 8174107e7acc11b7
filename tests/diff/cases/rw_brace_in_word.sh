# { inside a word is not reserved
echo a{b c}d
echo {
