#!/usr/bin/env bats
# The bash features that SPEC §3 adopts and that an interactive user types
# (issue 13): the `time` reserved word, PIPESTATUS, history expansion, fc.
# Each is judged against the bash 5.2 of the machine running the same
# text: `same_as_bash 'TEXT'` runs it under `bash` (not --posix: the
# reference is an interactive bash) with every `|[…]` edge written as `|`,
# and under ipcsh as it is; stdout (the texts send what they judge there,
# `2>&1` included) and the status must be equal. Messages differ in wording
# between shells, so the texts keep them out of stdout.

load common
load helpers/tmux

setup() {
	cd "$BATS_TEST_TMPDIR" || exit 1
}

teardown() {
	ish_teardown
}

same_as_bash() {
	local b i bs is
	b=$(bash -c "$(printf '%s' "$1" | sed 's/|\[[a-z:,=0-9]*\]/|/g')" 2>/dev/null) && bs=0 || bs=$?
	i=$(ipcsh -c "$1" 2>/dev/null) && is=0 || is=$?
	[ "$i" = "$b" ] && [ "$is" = "$bs" ] ||
		fail "ipcsh differs from bash on: $1"$'\n'"want ($bs): $b"$'\n'"got  ($is): $i"
}

# at_prompt_as_bash LINE...: type each line at the prompt of an interactive
# bash (--norc), then of ipcsh, each on a fresh terminal (tmux, see
# helpers/tmux.bash); the two screens must be the same once the name that
# starts a message ("bash: ", "ipcsh: ") is taken out.
at_prompt_as_bash() {
	local sh screen=() l
	for sh in "$(command -v bash) --norc" "$IPCSH"; do
		ISH_WRAPPER="exec $sh" ish_start
		for l in "$@"; do
			ish_run "$l"
		done
		screen+=("$(ish_screen | sed -E 's/^(bash|ipcsh): //')")
		ish_stop
	done
	[ "${screen[0]}" = "${screen[1]}" ] ||
		fail "the screens differ (bash, then ipcsh):"$'\n'"$(diff <(echo "${screen[0]}") <(echo "${screen[1]}"))"
}

# ---- time ------------------------------------------------------------------

@test "time: a reserved word; TIMEFORMAT's %R %lR %E %% and a lone %, the -p and default formats" {
	same_as_bash "TIMEFORMAT='<%0R|%0lR|%0E|%%|100%'; { time true; } 2>&1"
	same_as_bash "TIMEFORMAT='<%0R>'; { time false; } 2>&1; echo \"status \$?\""
	same_as_bash "{ time -p true; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "{ time -p -- true; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "{ time -- true; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "TIMEFORMAT=%0R; export TIMEFORMAT; { time -p true; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "unset TIMEFORMAT; { time echo hi; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "TIMEFORMAT=; { time true; } 2>&1; echo nothing"
	same_as_bash "TIMEFORMAT='a%xb'; { time true; } 2>/dev/null; { time true; } 2>&1 | grep -c a; echo \$?"
	same_as_bash "command time true 2>&1 | grep -c real"
}

@test "time: alone, with ! on either side, nested, in a function, a subshell and \$( )" {
	same_as_bash "unset TIMEFORMAT; { time; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "TIMEFORMAT='%0R'; { time; } 2>&1; { time -p; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "TIMEFORMAT='%0R'; ! time false 2>&1; echo \"! time: \$?\"; time ! true 2>&1; echo \"time !: \$?\""
	same_as_bash "! ! true; echo \"! !: \$?\"; !; echo \"!: \$?\"; ! time ! true; echo \$?"
	same_as_bash "TIMEFORMAT='%0R'; { time time true; } 2>&1; { time -p time true; } 2>&1 | sed 's/[0-9]/N/g'"
	same_as_bash "TIMEFORMAT='%0R'; f() { time true; }; f 2>&1; (time; echo sub) 2>&1; { time; } 2>&1"
	same_as_bash "TIMEFORMAT='%0R'; x=\$( time true 2>/dev/null ); echo \"[\$x]\""
	same_as_bash "TIMEFORMAT='<%0R>'; { time exit 3; } 2>&1; echo not reached"
	same_as_bash "TIMEFORMAT='<%0R>'; { time sleep 0 & wait; } 2>&1"
	same_as_bash "time | cat"
	same_as_bash "time && echo x"
	# --plan says it
	run ipcsh --plan -c 'time -p ! a | b; time c'
	assert_line --index 1 '  timed (time -p)'
	assert_line --index 2 '  negated (!)'
	assert_line '  timed (time)'
	run ipcsh --plan=json -c 'time -p a; time b; c'
	[[ $output == *'"timed":"posix"'*'"timed":true'*'"timed":false'* ]] || fail "$output"
}

@test "time: a pipeline with transports is timed whole, with the CPU time of every stage" {
	same_as_bash "TIMEFORMAT='<%0R>'; { time seq 1 20000 |[shm] cat |[mq:lines] wc -l; } 2>&1"
	# The last stage burns CPU: its user time is in the total (an
	# ipcsh that timed the first stage only, as /usr/bin/time on seq did,
	# printed about 0).
	run --separate-stderr ipcsh -c "TIMEFORMAT='%3U %3S'; time true |[shm] sh -c 'i=0; while [ \$i -lt 150000 ]; do i=\$((i+1)); done'"
	assert_success
	[[ $stderr =~ ^([0-9]+)\.([0-9]{3})\ ([0-9]+)\.([0-9]{3})$ ]] || fail "got: $stderr"
	local ms=$(( 10#${BASH_REMATCH[1]}${BASH_REMATCH[2]} + 10#${BASH_REMATCH[3]}${BASH_REMATCH[4]} ))
	[ "$ms" -ge 20 ] || fail "user+sys $ms ms for 150000 shell loop iterations: $stderr"
}

@test "time at the prompt: a command name completes after time -p --; the times follow its output" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho from-tool\n' >"$BATS_TEST_TMPDIR/bin/ipcshtesttool"
	chmod +x "$BATS_TEST_TMPDIR/bin/ipcshtesttool"
	ish_start PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	ish_type 'time -p -- ipcshtestt'
	ish_keys Tab
	ish_wait_for _ish_echoed 'time -p -- ipcshtesttool'
	ish_keys Enter
	ish_wait_prompt
	run ish_output
	assert_line --index 0 from-tool
	assert_line --index 1 --regexp '^real [0-9]+\.[0-9]{2}$'
	assert_line --index 3 --regexp '^sys [0-9]+\.[0-9]{2}$'
	ish_run 'time true |[shm] cat'
	run ish_output
	assert_line --index 0 --regexp '^real\s+0m[0-9]+\.[0-9]{3}s$'
}

# ---- PIPESTATUS ------------------------------------------------------------

@test "PIPESTATUS: every stage's status, relays not counted; [@] [*] [N] [-N] [expr] # and \$PIPESTATUS" {
	same_as_bash 'false | true; echo ${PIPESTATUS[@]}'
	same_as_bash 'true |[shm] (exit 3) |[mq:lines] cat |[sock] (exit 4); echo "${PIPESTATUS[@]}" ${#PIPESTATUS[@]}'
	same_as_bash 'false|true|(exit 7); echo ${#PIPESTATUS[@]} ${PIPESTATUS[2]} ${PIPESTATUS[-1]} ${PIPESTATUS[5]}x $PIPESTATUS ${#PIPESTATUS} ${#PIPESTATUS[2]}'
	same_as_bash 'false|true; IFS=:; echo "${PIPESTATUS[*]}"; echo "${PIPESTATUS[@]}"; IFS=; echo "${PIPESTATUS[*]}"'
	same_as_bash 'false | true; for i in "${PIPESTATUS[@]}"; do echo "<$i>"; done'
	same_as_bash 'i=1; false | true; echo ${PIPESTATUS[$i]} ${PIPESTATUS[i]} ${PIPESTATUS[i-1]} ${PIPESTATUS[x]} ${PIPESTATUS[-3]}'
	same_as_bash 'false | true | false; echo ${PIPESTATUS[@]:1} "${PIPESTATUS[*]:1:1}" ${PIPESTATUS[@]:5}x ${PIPESTATUS[@]#1}'
	same_as_bash 'false | true; echo "${PIPESTATUS[@]/0/z}" "${PIPESTATUS[*]^^}" ${PIPESTATUS[@]+set} ${PIPESTATUS[@]:-d} ${PIPESTATUS[3]:-d}'
	same_as_bash 'set -u; false | true; echo ${PIPESTATUS[1]}; (echo ${PIPESTATUS[9]}) || echo unbound'
	same_as_bash 'echo "${PIPESTATUS[@]}" ${#PIPESTATUS[@]}'
	same_as_bash 'yes |[shm] head -1 >/dev/null; echo ${PIPESTATUS[@]}'
}

@test "PIPESTATUS: set by each command as bash sets it, left by compound commands and background jobs" {
	same_as_bash '{ false | true; }; echo ${PIPESTATUS[@]}'
	same_as_bash '(exit 3) | (exit 4); echo ${PIPESTATUS[@]}; (exit 5); echo ${PIPESTATUS[@]}'
	same_as_bash 'if false | true; then :; fi; echo ${PIPESTATUS[@]}; if false; then :; fi; echo ${PIPESTATUS[@]}'
	same_as_bash 'false | true; x=1; echo ${PIPESTATUS[@]}; x=$(exit 5); echo ${PIPESTATUS[@]}'
	same_as_bash '! false | true; echo ${PIPESTATUS[@]} $?'
	same_as_bash 'f() { false | (exit 2); }; f; echo ${PIPESTATUS[@]}'
	same_as_bash 'false | true; sleep 0 & echo ${PIPESTATUS[@]}; wait; echo ${PIPESTATUS[@]}'
	same_as_bash 'false | true; PIPESTATUS=3; echo ${PIPESTATUS[@]}; false | true; unset PIPESTATUS; echo ${PIPESTATUS[@]}x'
	same_as_bash 'false|true; : | exit 4 | (exit 5) ; echo ${PIPESTATUS[@]}'
	same_as_bash 'false | true; while false; do :; done; echo ${PIPESTATUS[@]}; false | true; case a in b) ;; esac; echo ${PIPESTATUS[@]}'
	same_as_bash 'false|true; nosuch; echo ${PIPESTATUS[@]}; false | nosuch; echo ${PIPESTATUS[@]}'
	same_as_bash 'TIMEFORMAT=; false|true; time (exit 3) | (exit 4); echo ${PIPESTATUS[@]}'
	same_as_bash 'false | true; echo ${PIPESTATUS[@]} | cat; echo ${PIPESTATUS[@]}'
}

# ---- history expansion and fc ----------------------------------------------

@test "history expansion at the prompt as bash: !! !N !-N !str !?str? !\$ !^ !* :N ^a^b, shown and stored" {
	at_prompt_as_bash 'echo one two three' '!!' 'echo !$ !^ !*' '!-2 x' 'echo "!!"' "echo '!!'" \
		'echo !?two?' '^two^TWO' '!1:2' 'echo !1:1-2 !1:0 !!:$' 'echo !e' 'history'
}

@test "history expansion: errors drop the line, :p only shows it, \$! [!a] and a lone ! stay, set +H turns it off" {
	touch a b
	at_prompt_as_bash 'echo a b' 'echo a!b !=' '!nosuch' 'echo $?' '!e:p' \
		'echo "[$!]"' 'echo [!a]* x! !' 'set +H' 'echo !!' 'set -H' 'echo !!' 'history'
}

@test "history expansion is off in scripts and -c; set -o shows histexpand" {
	run ipcsh -c 'echo hi; echo !! !$; set -o | grep histexpand'
	assert_output $'hi\n!! !$\nhistexpand     \toff'
	printf 'echo x\n!!\n' >s.sh
	run -127 ipcsh s.sh
	assert_line x
	assert_line --partial '!!: command not found'
}

@test "fc -l -n -r with numbers, offsets and prefixes; fc -s old=new; fc -e; each as bash" {
	at_prompt_as_bash 'echo one two' 'echo three' 'fc -l' 'fc -l -2' 'fc -ln 1 2' 'fc -lr 1 2' \
		'fc -l 2 1' 'fc -l echo' 'fc -l ec 1' 'fc -s two=TWO 1' 'fc -s' 'fc -s three=3' \
		'fc -s nosuch' 'echo $?' 'fc -l -1' 'fc -e true' 'FCEDIT="sed -i s/one/uno/"' 'fc 1' \
		'fc -e - o=0 echo' 'fc -e "sed -i s/uno/un/" -3 -1' 'fc -l 0' 'fc -lr' 'history'
}

# ---- messages ------------------------------------------------------------------

@test "a run-time error in a script has bash's FILE: line N: prefix, inside eval, . and \$( ) too" {
	printf '%s\n' 'echo a' 'eval "nosuch1"' 'x=$(cd /nonexistent)' \
		'printf "\ncat < /nonexistent\n" > inc.sh' '. ./inc.sh' 'f() { eval nosuch5; }' 'f' \
		'y=$(' 'nosuch6)' 'eval "echo \$(nosuch7)"' 'echo "[$LINENO] $(echo $LINENO) $(eval echo \$LINENO)"' >s.sh
	local want got
	want=$(bash s.sh 2>&1)
	got=$(ipcsh s.sh 2>&1 | sed 's/^ipcsh: //')
	[ "$got" = "$want" ] || fail "$(diff <(echo "$want") <(echo "$got"))"
	# and in a file an interactive shell sources, as bash
	printf 'echo rc\nnosuch_rc\n' >rc
	ENV=$PWD/rc run -127 ipcsh -i </dev/null
	assert_line --partial "ipcsh: $PWD/rc: line 2: nosuch_rc: command not found"
}
