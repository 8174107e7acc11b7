# a here-document inside a subshell, with command substitution
(cat <<EOT
sub $(echo cmd)
EOT
)
