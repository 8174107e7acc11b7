#!/usr/bin/env bats
# docs.bats — man pages, shell completions, install/uninstall and shell
# scripts are what a user's machine gets: each is checked the way the user
# meets it (man(1), the shell's own completion machinery, make install).
load common

SRC=$BATS_TEST_DIRNAME/..
TRANSPORTS="pipe fifo sock mq shm msg sysvshm mmap dgram seqpacket tcp"

# --- man pages -------------------------------------------------------------

# render PAGE: the page as man(1) shows it on an 80-column terminal.
render() {
	MANPAGER=cat PAGER=cat COLUMNS=80 MANWIDTH=80 LANG=C.UTF-8 man -l "$1"
}

@test "docs: man -l man/ipcsh.1 renders and names every transport" {
	run --separate-stderr render "$SRC/man/ipcsh.1"
	assert_success
	[ -z "$stderr" ] || { echo "man printed: $stderr"; false; }
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS GRAMMAR TRANSPORTS \
		'JOB CONTROL' 'REMOTE STAGES' ENVIRONMENT FILES 'EXIT STATUS' \
		EXAMPLES 'SEE ALSO'; do
		grep -qx "$section" <<<"$output" || { echo "no section $section"; false; }
	done
	# Each transport is an entry of TRANSPORTS: its name, then its options.
	local t
	for t in $TRANSPORTS; do
		grep -qE "^     $t \[:" <<<"$output" || { echo "transport $t not described"; false; }
	done
	assert_output --partial "2-vCPU Debian 12"
}

@test "docs: man/ipcsh.1 sections come in mdoc's conventional order" {
	run render "$SRC/man/ipcsh.1"
	assert_success
	local got
	got=$(grep -E '^[A-Z][A-Z ]+$' <<<"$output" | grep -v '^IPCSH' | tr '\n' ,)
	assert_equal "$got" "NAME,SYNOPSIS,DESCRIPTION,OPTIONS,GRAMMAR,TRANSPORTS,JOB CONTROL,REMOTE STAGES,ENVIRONMENT,FILES,EXIT STATUS,EXAMPLES,SEE ALSO,SECURITY CONSIDERATIONS,"
}

@test "docs: mandoc -Tlint -Wwarning is clean for man/ipcsh.1" {
	run mandoc -Tlint -Wwarning "$SRC/man/ipcsh.1"
	assert_success
	assert_output ""
}

@test "docs: mandoc -Tlint -Wwarning is clean for man/ipcshd.8" {
	[ -f "$SRC/man/ipcshd.8" ] || { echo "man/ipcshd.8 is missing"; false; }
	run mandoc -Tlint -Wwarning "$SRC/man/ipcshd.8"
	assert_success
	assert_output ""
	run --separate-stderr render "$SRC/man/ipcshd.8"
	assert_success
	assert_output --partial "--stdio"
	assert_output --partial "--genkey-host"
	assert_output --partial "--authorized-keys"
}

@test "docs: every option of ipcsh --help is in man/ipcsh.1" {
	run --separate-stderr ipcsh --help
	assert_success
	local help=$output opt missing=
	run render "$SRC/man/ipcsh.1"
	for opt in $(grep -oE '(^|[[ ,|])--?[A-Za-z][A-Za-z-]*' <<<"$help" | sed 's/^[[ ,|]//' | sort -u); do
		grep -qe "$opt" <<<"$output" || missing="$missing $opt"
	done
	[ -z "$missing" ] || { echo "not in ipcsh.1:$missing"; false; }
}

# --- completions -----------------------------------------------------------

# bash_complete FILE LINE: the candidates bash-completion offers for LINE
# (cursor at its end), one a line, with FILE loaded.
bash_complete() {
	bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion || exit 3
		source "$1" || exit 4
		line=$2
		# Split as readline does: blanks separate words, and each run of
		# COMP_WORDBREAKS characters (: and = here) is a word of its own.
		mapfile -t COMP_WORDS < <(grep -oE "[^[:space:]:=]+|[:=]+" <<<"$line")
		[[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		fn=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[[ $fn ]] || exit 5
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$@"
}

@test "docs: bash completion for ipcsh offers transports, their options and options" {
	cd "$BATS_TEST_TMPDIR"
	run bash_complete "$SRC/completions/ipcsh" "ipcsh -t "
	assert_success
	assert_line shm
	assert_line mq
	assert_line pipe
	run bash_complete "$SRC/completions/ipcsh" "ipcsh -t mq:"
	assert_line lines
	assert_line msgsize=
	run bash_complete "$SRC/completions/ipcsh" "ipcsh --st"
	assert_line --stats
	assert_line --stats=json
	touch run.ipcsh notes.txt
	run bash_complete "$SRC/completions/ipcsh" "ipcsh "
	assert_output "run.ipcsh"
}

@test "docs: bash completion for ipcshd offers its options" {
	run bash_complete "$SRC/completions/ipcshd" "ipcshd --"
	assert_success
	local o
	for o in --genkey-host --listen --host-key --authorized-keys --allow --max-sessions --user \
		--allow-root --stdio; do
		assert_line -- "$o"
	done
}

@test "docs: bash-completion loads the ipcsh completions on demand" {
	mkdir -p "$BATS_TEST_TMPDIR/user/completions"
	cp "$SRC/completions/ipcsh" "$SRC/completions/ipcshd" "$BATS_TEST_TMPDIR/user/completions/"
	run env BASH_COMPLETION_USER_DIR="$BATS_TEST_TMPDIR/user" bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		__load_completion ipcsh && __load_completion ipcshd
		complete -p ipcsh ipcshd'
	assert_success
	assert_line --partial "-F _ipcsh ipcsh"
	assert_line --partial "-F _ipcshd ipcshd"
}

# zsh_complete DIR LINE: the candidates zsh -f with compinit offers for LINE
# with DIR on fpath, one a line. Drives an interactive zsh in a zpty and
# records what the completion functions pass to compadd.
zsh_complete() {
	cat >"$BATS_TEST_TMPDIR/zinit.zsh" <<-'EOF'
	PROMPT= RPROMPT=
	autoload -Uz compinit && compinit -u -D
	bindkey '^M' undefined; bindkey '^J' undefined; bindkey '^I' complete-word
	_zc_mark() { print -r -- '<<Z>>' }
	compprefuncs=(_zc_mark)
	comppostfuncs=(_zc_mark exit)
	zstyle ':completion:*' list-grouped false
	zstyle ':completion:*' insert-tab false
	compadd() {
	  # Calls that only collect matches (-O, -A, -D) pass through.
	  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
	    builtin compadd "$@"; return
	  fi
	  local -a __hits
	  builtin compadd -A __hits "$@"
	  (( $#__hits )) && print -rl -- "${__hits[@]}"
	  builtin compadd "$@"
	}
	EOF
	cat >"$BATS_TEST_TMPDIR/zcomp.zsh" <<-'EOF'
	zmodload zsh/zpty
	zpty z zsh -f -i
	zpty -w z "fpath=(${(q)1} \$fpath); source ${(q)2}"
	zpty -w z "$3"$'\t'
	integer on=0
	while zpty -r z; do :; done | tr -d '\r' | while IFS= read -r line; do
	  if [[ $line == *'<<Z>>'* ]]; then (( on++ )) && break; continue; fi
	  (( on )) && print -r -- "$line"
	done
	zpty -d z
	EOF
	timeout 30 zsh -f "$BATS_TEST_TMPDIR/zcomp.zsh" "$1" "$BATS_TEST_TMPDIR/zinit.zsh" "$2"
}

@test "docs: zsh -f with compinit registers _ipcsh and _ipcshd" {
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D
		print -r -- $_comps[ipcsh] $_comps[ipcshd]' zsh "$SRC/completions"
	assert_success
	assert_output "_ipcsh _ipcshd"
}

@test "docs: zsh completion offers transports after -t and ipcshd options" {
	cd "$BATS_TEST_TMPDIR"
	run zsh_complete "$SRC/completions" "ipcsh -t s"
	assert_success
	assert_line shm
	assert_line sock
	run zsh_complete "$SRC/completions" "ipcsh -t mq:"
	assert_line lines
	assert_line maxmsg
	run zsh_complete "$SRC/completions" "ipcshd --ge"
	assert_line -- --genkey-host
}

# fish_complete LINE: what fish offers for LINE, with the completion files
# found the way installed ones are (fish autoloads them by command name, for
# commands on PATH).
fish_complete() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/bin/ipcsh"
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/bin/ipcshd"
	chmod +x "$BATS_TEST_TMPDIR/bin/ipcsh" "$BATS_TEST_TMPDIR/bin/ipcshd"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" fish --no-config -c \
		'set -p fish_complete_path $argv[1]; complete -C$argv[2]' "$SRC/completions" "$1"
}

@test "docs: fish completion files parse and offer transports after -t" {
	run fish --no-config -n "$SRC/completions/ipcsh.fish"
	assert_success
	run fish --no-config -n "$SRC/completions/ipcshd.fish"
	assert_success
	cd "$BATS_TEST_TMPDIR"
	run fish_complete "ipcsh -t "
	assert_success
	assert_line --regexp '^shm	'
	assert_line --regexp '^mq	'
	run fish_complete "ipcsh -t mq:lines,"
	assert_line --regexp '^mq:lines,msgsize=	'
	refute_line --regexp '^mq:lines,lines'
	run fish_complete "ipcshd --"
	assert_line --regexp '^--allow-root	'
	assert_line --regexp '^--stdio	'
}

# options_of PROGRAM: the options its --help names, one a line.
options_of() {
	"$1" --help | grep -oE '(^|[[ ,|])--?[A-Za-z][A-Za-z-]*' | sed 's/^[[ ,|]//' | sort -u
}

# in_completions NAME: every option of NAME --help is offered by NAME's
# bash, zsh and fish completion files.
in_completions() {
	local prog=$1 bin=$2 opt missing='' d=$SRC/completions
	local opts
	opts=$(options_of "$bin") || return 1
	[ -n "$opts" ] || return 1
	for opt in $opts; do
		grep -qE -- "(^|[ '\"{(,)*])$opt([] ='\"}[|),]|\$)" "$d/$prog" || missing="$missing bash:$opt"
		grep -qE -- "(^|[ '\"{(,)*])$opt([] ='\"}[|),]|\$)" "$d/_$prog" || missing="$missing zsh:$opt"
		case $opt in
		--*) grep -qE -- "-l ${opt#--}( |\$)" "$d/$prog.fish" || missing="$missing fish:$opt" ;;
		*) grep -qE -- "-s ${opt#-}( |\$)" "$d/$prog.fish" || missing="$missing fish:$opt" ;;
		esac
	done
	[ -z "$missing" ] || { echo "not completed:$missing"; return 1; }
}

@test "docs: the completions offer every option ipcsh --help and ipcshd --help name" {
	run in_completions ipcsh "$IPCSH"
	assert_success
	run in_completions ipcshd "$IPCSHD"
	assert_success
}

@test "docs: completion offers each transport option that ipcsh --help shows" {
	run --separate-stderr ipcsh --help
	assert_success
	local edge name opt missing=''
	for edge in $(grep -oE '\|\[[a-z]+:[^]]*\]' <<<"$output"); do
		edge=${edge#|[}
		edge=${edge%]}
		name=${edge%%:*}
		for opt in $(tr , ' ' <<<"${edge#*:}"); do
			opt=${opt%%=*}
			bash_complete "$SRC/completions/ipcsh" "ipcsh -t $name:" | grep -qx "$opt=\?" ||
				missing="$missing $name:$opt"
		done
	done
	[ -z "$missing" ] || { echo "not completed:$missing"; false; }
}

# --- install ---------------------------------------------------------------

# make_in_src TARGET VAR=VALUE...: make in the source tree with the build
# directory this test run uses.
make_in_src() {
	make -s -C "$SRC" BUILD="$IPCSH_BUILD" "$@"
}

@test "docs: make install DESTDIR PREFIX=/opt/x puts everything under the prefix; uninstall removes it" {
	local d=$BATS_TEST_TMPDIR/dest p=$BATS_TEST_TMPDIR/dest/opt/x
	run make_in_src install DESTDIR="$d" PREFIX=/opt/x
	assert_success
	# Nothing outside the prefix.
	run find "$d" -mindepth 1 -maxdepth 2
	assert_output "$d/opt
$d/opt/x"
	local f
	for f in bin/ipcsh bin/ipcshd share/man/man1/ipcsh.1 share/man/man8/ipcshd.8 \
		share/bash-completion/completions/ipcsh share/bash-completion/completions/ipcshd \
		share/zsh/site-functions/_ipcsh share/zsh/site-functions/_ipcshd \
		share/fish/vendor_completions.d/ipcsh.fish share/fish/vendor_completions.d/ipcshd.fish \
		share/doc/ipcsh/README.md share/doc/ipcsh/examples/pc-shm.ipcsh \
		share/doc/ipcsh/examples/task-queue.ipcsh; do
		[ -f "$p/$f" ] || { echo "not installed: $f"; false; }
	done
	[ -x "$p/bin/ipcsh" ] && [ -x "$p/share/doc/ipcsh/examples/pc-pipe.ipcsh" ]
	run "$p/bin/ipcsh" -c 'echo installed'
	assert_success
	assert_output installed
	run env MANPATH="$p/share/man" MANPAGER=cat man ipcsh
	assert_success
	assert_output --partial TRANSPORTS

	run make_in_src uninstall DESTDIR="$d" PREFIX=/opt/x
	assert_success
	run find "$d" ! -type d
	assert_output ""
}

@test "docs: make install PREFIX=/usr puts completions where Debian's shells look" {
	local d=$BATS_TEST_TMPDIR/dest
	run make_in_src install DESTDIR="$d" PREFIX=/usr
	assert_success
	local bashdir
	bashdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null) ||
		bashdir=/usr/share/bash-completion/completions
	[ -f "$d$bashdir/ipcsh" ]
	[ -f "$d$bashdir/ipcshd" ]
	[ -f "$d/usr/share/zsh/vendor-completions/_ipcsh" ]
	[ -f "$d/usr/share/fish/vendor_completions.d/ipcsh.fish" ]
	[ -f "$d/usr/share/doc/ipcsh/examples/log-pipeline.ipcsh" ]
	run make_in_src uninstall DESTDIR="$d" PREFIX=/usr
	assert_success
	run find "$d" ! -type d
	assert_output ""
}

# --- shell scripts ---------------------------------------------------------

@test "docs: shellcheck passes on the bash completions, tools/*.sh and tests/*.sh" {
	cd "$SRC"
	run shellcheck completions/ipcsh completions/ipcshd tools/*.sh tests/*.sh
	assert_success
	assert_output ""
}
