# follow: bash bash's `function NAME` syntax is adopted (issue 12 §1); dash has none
function greet {
	echo "hi $1"
}
greet there
function two() { echo "two $#"; }
two a b
