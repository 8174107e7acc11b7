# ! inside && and || lists
! false && echo "and after !"
! true || echo "or after !"
