# * and prefix/suffix globs
for f in foo.c bar.h baz README; do
	case $f in
	*.c) echo "$f: C" ;;
	*.h) echo "$f: header" ;;
	ba*) echo "$f: starts with ba" ;;
	*) echo "$f: ?" ;;
	esac
done
