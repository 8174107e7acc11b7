cat <<'E F' | cat <<\X
a
E F
b
X
