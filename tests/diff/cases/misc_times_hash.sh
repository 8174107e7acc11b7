# times and hash exist and succeed
times >/dev/null && echo "times ok"
hash -r && echo "hash ok"
