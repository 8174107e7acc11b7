# eval runs its arguments as a command
eval 'echo hello'
cmd='echo a; echo b'
eval "$cmd"
