# functions on both sides of a sock edge
gen() { echo x; echo y; }
up() { tr a-z A-Z; }
gen |[sock] up
