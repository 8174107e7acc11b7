# words that expand to nothing: the status of the last command substitution (POSIX 2.9.1)
$nothing `false`; echo $?
x=$(exit 3) $e; echo $?
$e $(exit 4) >/dev/null; echo $?
cat </dev/null | $e $(exit 6); echo $?
$(exit 7) $(true); echo $?
