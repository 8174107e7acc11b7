# a quoted here-document delimiter: no expansion, in a loop
for i in 1 2; do
	cat <<'EOT'
literal $i
EOT
done
