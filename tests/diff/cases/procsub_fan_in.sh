# process substitution: fan-in of several producers (paste, diff, comm)
# follow: bash process substitution is a bash extension that SPEC §3 adopts; dash has none
printf '3\n1\n2\n' > a
printf 'c\nb\na\n' > b
paste <(sort a) <(sort b)
diff <(sort a) <(printf '1\n2\n4\n')
echo "diff: $?"
comm -12 <(sort a) <(printf '2\n3\n')
cat <(echo one) - <(echo three) <<EOT
two
EOT
