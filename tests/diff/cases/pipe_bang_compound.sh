# ! on a pipeline with a compound stage
! echo x |[shm] { read -r v; [ "$v" = y ]; }
echo "status=$?"
