# $? after if, for, case, group, subshell
if false; then :; fi; echo "if: $?"
for x in; do :; done; echo "for: $?"
case a in b) ;; esac; echo "case: $?"
{ false; }; echo "group: $?"
(false); echo "sub: $?"
