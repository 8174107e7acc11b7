# issue 12 §4: backslash-newline inside ${…}
v=value
echo ${v\
}
echo "${v%\
ue}"
