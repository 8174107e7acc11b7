# remote_lib.bash — helpers for tests/remote.bats: daemons on 127.0.0.1
# with port 0, always stopped in teardown; a client program; raw sockets.

# shellcheck disable=SC2034 # used by tests/remote.bats
RCLIENT=${IPCSH_BUILD:?}/tests/helpers/remote_client

# Flags a daemon needs to start here: as root, --allow-root.
remote_root_flag() {
	[ "$(id -u)" -eq 0 ] && echo --allow-root
}

# remote_keys DIR: the keys of protocol version 2 for a test: the user's
# key pair in DIR/config/ipcsh/id (XDG_CONFIG_HOME=DIR/config, where
# known_hosts goes too; IPCSH_KEY and REMOTE_KEY name it), a host key
# REMOTE_HOSTKEY=DIR/hostkey, and REMOTE_AUTHKEYS=DIR/authorized_keys that
# admits the user's key.
remote_keys() {
	local d=$1
	mkdir -p "$d"
	export XDG_CONFIG_HOME=$d/config
	"$IPCSH" --keygen -C tester >/dev/null || return 1
	"$IPCSHD" --genkey-host "$d/hostkey" >/dev/null || return 1
	cp "$XDG_CONFIG_HOME/ipcsh/id.pub" "$d/authorized_keys"
	export REMOTE_KEY=$XDG_CONFIG_HOME/ipcsh/id IPCSH_KEY=$XDG_CONFIG_HOME/ipcsh/id
	export REMOTE_HOSTKEY=$d/hostkey REMOTE_AUTHKEYS=$d/authorized_keys
}

# remote_pin HOSTKEY HOST:PORT: pin that host key for HOST:PORT in the
# user's known_hosts (what --accept-new-host would add).
remote_pin() {
	mkdir -p "$XDG_CONFIG_HOME/ipcsh"
	echo "$2 $(cut -d' ' -f1,2 "$1.pub")" >>"$XDG_CONFIG_HOME/ipcsh/known_hosts"
}

# remote_start NAME [ipcshd options...]: start a daemon on 127.0.0.1:0 with
# the test's host key and authorized_keys (remote_keys), its key pinned in
# known_hosts; sets ${NAME}_PORT and ${NAME}_PID, log in $dir/NAME.log.
# Options given later win (--host-key, --authorized-keys).
remote_start() {
	local name=$1 dir=${REMOTE_DIR:-$BATS_TEST_TMPDIR}
	shift
	: >"$dir/$name.log" # exists before the background job opens it
	# shellcheck disable=SC2046
	"$IPCSHD" --listen 127.0.0.1:0 --host-key "$REMOTE_HOSTKEY" \
		--authorized-keys "$REMOTE_AUTHKEYS" $(remote_root_flag) "$@" 2>>"$dir/$name.log" &
	local pid=$!
	echo "$pid" >>"$dir/remote.pids"
	local i port=
	for ((i = 0; i < 200; i++)); do
		port=$(sed -n 's/^ipcshd: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/$name.log")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "daemon did not start:" >&2
		cat "$dir/$name.log" >&2
		return 1
	fi
	remote_pin "$REMOTE_HOSTKEY" "127.0.0.1:$port"
	printf -v "${name}_PORT" %s "$port"
	printf -v "${name}_PID" %s "$pid"
}

# Stop every daemon started from dir (teardown), waiting for each to go.
remote_stop_all() {
	local dir=${1:-$BATS_TEST_TMPDIR} pid
	[ -f "$dir/remote.pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
	done <"$dir/remote.pids"
	rm -f "$dir/remote.pids"
}

# remote_wait_file FILE PATTERN [TRIES]: poll until FILE matches PATTERN.
remote_wait_file() {
	local i
	for ((i = 0; i < ${3:-200}; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1" >&2
	return 1
}

# remote_wait_gone PID [TRIES]: poll until a process has exited.
remote_wait_gone() {
	local i
	for ((i = 0; i < ${2:-200}; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# remote_wait_status PID: wait for a background child of this shell with a
# deadline (a test must never hang); sets REMOTE_STATUS to its exit status,
# or fails after killing it when it still runs after 20 s. (Not in $(...):
# a subshell cannot wait for its parent's children.)
remote_wait_status() {
	local i
	REMOTE_STATUS=
	for ((i = 0; i < 400; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		echo "process $1 did not end" >&2
		return 1
	fi
	REMOTE_STATUS=0
	wait "$1" || REMOTE_STATUS=$?
}
