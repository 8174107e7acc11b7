# combined flags and an attached argument
while getopts xyf: o; do echo "$o ${OPTARG-}"; done
echo "OPTIND=$OPTIND"
