# ! in front of compound commands
! { false; }
echo "group: $?"
! if true; then false; fi
echo "if: $?"
! while false; do :; done
echo "while: $?"
