# two here-documents for one command line
cat <<A; cat <<B
from a
A
from b
B
