# cd - prints the new directory
mkdir sub
start=$PWD
cd sub
cd - | sed "s|^$start|START|"
