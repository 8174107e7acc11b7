# rss.sh N EARLY — a loop of N iterations calling a function with case,
# trims and arithmetic; prints the shell's own VmHWM and VmRSS (kB) after
# iteration EARLY and after the last ($$ is the shell, read by a child).
work() {
	case $1 in
	*0) t=${p##*/} ;;
	*5) t=${p%/*} ;;
	*) t=$1 ;;
	esac
	s=$((s + ${#t}))
}
n=$1 early=$2 i=0 s=0 p=/a/b/c.d
while [ "$i" -lt "$n" ]; do
	i=$((i+1))
	work "$i"
	if [ "$i" -eq "$early" ] || [ "$i" -eq "$n" ]; then
		grep -E '^Vm(HWM|RSS)' /proc/$$/status
	fi
done
echo "$s"
