# exit inside a compound stage ends only that stage
echo x |[shm] { read -r v; exit 7; }
echo "status=$? still here"
