# a loop whose body runs transport pipelines
for t in 1 2 3; do
	echo "item $t" |[shm] tr a-z A-Z
	echo "line $t" |[mq:lines] cat
done
