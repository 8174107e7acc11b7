# the status of a pipeline whose last stage is compound
echo x |[shm] { read -r v; (exit 3); }
echo "status=$?"
echo x |[shm] while read -r v; do :; done
echo "status=$?"
