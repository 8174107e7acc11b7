# true, false and : statuses
true; echo $?
false; echo $?
:; echo $?
: ignored args; echo $?
