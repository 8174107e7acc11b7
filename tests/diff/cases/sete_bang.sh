# set -e is ignored for a ! pipeline
set -e
! true
echo "after ! true"
