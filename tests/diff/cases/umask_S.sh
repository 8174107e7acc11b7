# umask -S prints the symbolic form
umask 027
umask -S
