# subshells in and-or lists
(exit 1) || echo "failed sub"
(true) && echo "ok sub"
