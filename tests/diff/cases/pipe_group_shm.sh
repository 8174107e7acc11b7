# a brace group as the producer of a shm edge
{ echo a; echo b; } |[shm] cat
