# symbolic umask with + and =
umask 077
umask go+r
umask
umask o=rx
umask
