# set -u error in a subshell ends only the subshell
# follow: bash POSIX only says non-zero for an expansion error; dash exits 2, bash 1 (SPEC §3: bash where POSIX leaves room)
set -u
(echo "$undefined_v") 2>/dev/null
echo "status=$?"
