# follow: bash $'…' is POSIX 2024 and adopted by SPEC §3; Debian 12's dash predates it
printf '%s|' $'a\tb' $'c\nd' $'\x41' $'e\\f' $'it\'s'
echo
