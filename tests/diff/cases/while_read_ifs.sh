# IFS=: for read inside the loop
printf 'root:x:0\nbin:y:1\n' >pw
while IFS=: read -r name pass uid; do
	echo "$name has $uid ($pass)"
done <pw
