# nested ifs
a=1 b=0
if [ $a = 1 ]; then
	if [ $b = 1 ]; then echo "a and b"; else echo "a not b"; fi
else
	echo "not a"
fi
