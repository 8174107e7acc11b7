# escapes in the format
printf 'a\tb\\c\n'
printf '%s\n' 'no\tescape in arg'
printf '\101\n'
