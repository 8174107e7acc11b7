# an empty word matches "" and *
e=
case $e in "") echo "empty matches quotes" ;; esac
case "" in *) echo "empty matches star" ;; esac
