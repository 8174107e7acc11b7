# trap SIG with a single condition operand resets it (POSIX 2024)
# follow: dash bash --posix refuses one operand (usage error); issue 12 §3 asks `trap SIG` to reset, as POSIX 2024 and dash do
trap 'echo x' INT
trap INT
echo "[$(trap)]"
