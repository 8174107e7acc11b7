# set -e stops at a failing command in a case item
set -e
case x in x) echo in-case; false; echo never ;; esac
echo never
