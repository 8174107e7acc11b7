# follow: bash command -v of a missing name: POSIX says only non-zero; dash gives 127, bash 1
command -v nonexistent-cmd-xyz
echo "missing: $?"
command -v nonexistent-cmd-xyz || echo "fails"
