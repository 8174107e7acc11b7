# wait PID returns the job's status
(exit 4) &
wait $!
echo "status=$?"
