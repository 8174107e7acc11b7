# getopts parsing given arguments, OPTIND reset
while getopts n: o -n 5 -n 6 rest; do echo "n=$OPTARG"; done
OPTIND=1
while getopts q o -q; do echo "again $o"; done
