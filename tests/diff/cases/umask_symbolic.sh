# symbolic umask
umask 022
umask g-w,o-w
umask
umask u=rwx,g=rx,o=
umask
umask a+w
umask
