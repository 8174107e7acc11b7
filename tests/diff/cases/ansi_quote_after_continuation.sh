# follow: bash $'…' is POSIX 2024 (and bash's); dash 0.5.12 has no $'…'
# A line continuation between $ and ' still makes $'…' (the continuation
# goes first), in a word and inside $( ).
printf '[%s]\n' $\
'a\tb'
x=$(printf '%s' $\
'c\'d')
printf '[%s]\n' "$x"
printf '[%s]\n' "${x-$\
'e\tf'}"
