# set -e: a ! pipeline never stops the shell, whatever its status
set -e
! { true; }
echo "survived ! { true; }"
