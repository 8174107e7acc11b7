# the last command of a $( ), a ( ) subshell or an & list is exec'd in
# place of the forked shell (no extra process): its parent is the shell
a=$(sh -c 'echo $PPID'); [ "$a" = $$ ] && echo cmdsub-in-place
b=$(true; sh -c 'echo $PPID'); [ "$b" = $$ ] && echo after-a-command
( sh -c 'echo $PPID' >ppid ); [ "$(cat ppid)" = $$ ] && echo subshell-in-place
# not when something must follow it: a trap, a !, && or a later command
c=$(trap 'echo bye' EXIT; sh -c 'echo $PPID'); [ "${c%%
*}" != $$ ] && echo trap-keeps-the-shell
d=$(sh -c 'echo $PPID'; :); [ "$d" != $$ ] && echo not-last
e=$(! sh -c 'echo $PPID; exit 1'); echo "status $? $([ "$e" != $$ ] && echo forked)"
f=$(sh -c 'exit 3'); echo "status $?"
