# missing arguments are empty or zero
printf '[%s][%d]\n'
printf '[%s][%s]\n' only
