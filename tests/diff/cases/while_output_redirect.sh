# done > file: the whole loop's output goes to the file
i=0
while [ $i -lt 3 ]; do echo "line $i"; i=$((i + 1)); done >out
echo "wc: $(wc -l <out)"
cat out
