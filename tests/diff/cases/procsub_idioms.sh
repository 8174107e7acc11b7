# process substitution: reading a loop from it, read, source, functions, loops
# follow: bash process substitution is a bash extension that SPEC §3 adopts; dash has none
n=0
while read -r l; do n=$((n + 1)); last=$l; done < <(printf 'a\nb\nc\n')
echo "n=$n last=$last"
read -r v < <(echo value); echo "$v"
. <(echo 'sourced=yes'); echo "$sourced"
f() { cat "$1" "$2"; }
f <(echo f1) <(echo f2)
for i in 1 2 3; do cat <(echo "loop $i"); done
true <(yes); echo "unread: $?"
cat < <(echo redirected)
