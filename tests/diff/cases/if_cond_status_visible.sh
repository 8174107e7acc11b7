# $? in the branch is the condition's status
if false; then :; else echo "in-else=$?"; fi
if (exit 3); then :; elif echo "elif-sees=$?"; false; then :; fi
