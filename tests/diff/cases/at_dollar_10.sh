# ${10} is the tenth parameter, $10 is $1 followed by 0
set -- a b c d e f g h i j k
echo "${10} $10 ${11}"
