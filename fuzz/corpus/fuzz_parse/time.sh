time -p -- ! a |[shm] b; time
! time ! c && time -p
{ time; } | ! x
