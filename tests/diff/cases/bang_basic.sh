# ! negates a pipeline's status
! true
echo "! true: $?"
! false
echo "! false: $?"
! (exit 3)
echo "! exit 3: $?"
