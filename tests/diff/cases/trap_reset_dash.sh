# trap - SIG resets; the listing no longer shows it
trap 'echo x' USR1
trap - USR1
echo "listing: [$(trap)]"
