# ! applies to the whole pipeline
! echo x | grep -q y
echo "status=$?"
