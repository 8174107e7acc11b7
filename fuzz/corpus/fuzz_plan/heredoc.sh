cat <<EOF
hello $x
EOF
