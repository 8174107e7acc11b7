# here-document body: parameters, command substitution, arithmetic; quotes stay
x=X
cat <<EOT
p=$x c=$(echo C) a=$((1 + 1)) q="quoted" s='single' b=\$x
EOT
