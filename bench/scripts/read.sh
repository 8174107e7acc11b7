# read.sh FILE — `while read -r` over every line of FILE.
n=0 last=
while read -r l; do
	n=$((n+1))
	last=$l
done <"$1"
echo "$n $last"
