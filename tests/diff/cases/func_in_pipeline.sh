# a function as a pipeline stage
up() { tr a-z A-Z; }
echo hello | up
gen() { echo 3; echo 1; echo 2; }
gen | sort
