# { …; } >out 2>&1: both in the file
{ echo o; echo e >&2; } >out 2>&1
sort out
