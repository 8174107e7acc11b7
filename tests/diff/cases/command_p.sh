# command -p finds utilities on the default PATH
PATH=/nonexistent
command -p ls / >/dev/null && echo "ls found with -p"
