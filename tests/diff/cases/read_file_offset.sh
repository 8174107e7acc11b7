# read takes one line of a regular file and leaves the offset just after
# it (ipcsh reads a block and seeks back): what follows reads the rest.
f=${TMPDIR:-/tmp}/ipcsh-diff-read.$$
printf 'one\ntwo \\\nthree\nfour\\ x y\nfive\nlast' >"$f"
{ read a; read b; read -r c d; cat; } <"$f"
echo "[$a][$b][$c][$d]"
{ read x; head -n 1; read y; echo "[$x][$y]"; } <"$f"
while read -r l; do printf '<%s>' "$l"; done <"$f"; echo "<$l>"
rm -f "$f"
