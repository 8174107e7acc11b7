# pipes.sh N — a loop of N iterations, each running a |[shm] and a
# |[mq:lines] pipeline of two built-in stages (so the figure is the shell's
# own cost per pipeline: forks, wiring, the transport, the wait).
# bench/run.sh gives dash and bash the same script with every |[…] as |.
n=$1 i=0
while [ "$i" -lt "$n" ]; do
	echo "$i" |[shm] read -r v
	echo "$i" |[mq:lines] read -r v
	i=$((i+1))
done
echo "$i"
