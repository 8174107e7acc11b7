# set -u: expanding an unset variable is an error
# follow: bash POSIX only says non-zero for an expansion error; dash exits 2, bash 1 (SPEC §3: bash where POSIX leaves room)
# stderr: presence
set -u
echo "before"
echo "$nope"
echo never
