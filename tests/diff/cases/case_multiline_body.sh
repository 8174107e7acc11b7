# several commands per item, newlines everywhere
case two
in
two)
	echo one
	echo two
	;;
*)
	echo no
	;;
esac
