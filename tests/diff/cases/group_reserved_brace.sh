# { and } are reserved only as separate words at command position
echo { }
echo {x}
x=}; echo "$x"
