# A pipeline whose first stage is echo or printf (which ipcsh runs without
# a fork): its output, large or small, its status, and a reader that
# leaves early, through the transports.
printf '%s\n' a b c |[shm] wc -l
echo hi |[mq:lines] cat
printf '%0300000d\n' 0 |[shm] wc -c
printf '%0300000d\n' 0 |[mq] wc -c
i=0; while [ $i -lt 3000 ]; do i=$((i+1)); set -- "$@" "line $i"; done
printf '%s\n' "$@" |[mq:lines] tail -1
printf '%s\n' "$@" |[shm] tail -1
printf '%s\n' "$@" | sed -n 2999p
echo hi | true; echo "st=$?"
printf 'x\n' | false; echo "st=$?"
printf '%d\n' nan 2>/dev/null | cat; echo "st=$?"
echo "a b" |[shm] { read -r p q; echo "$q $p"; }
f() { cat; }; echo fn | f
printf "%*s|%-3s|%.2s\n" 200000 "" a xyz |[shm] wc -c
echo done
