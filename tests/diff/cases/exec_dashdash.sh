# exec -- runs a command (the -- ends exec's options)
# follow: bash dash does not take -- after exec; issue 12 §3 asks for `exec --`
exec -- echo "exec ran"
echo never
