# numeric signal numbers
trap 'echo hup' 1
trap
kill -HUP $$
trap - 1
