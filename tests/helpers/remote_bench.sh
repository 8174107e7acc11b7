#!/usr/bin/env bash
# remote_bench.sh — throughput of a remote `cat` over loopback: ipcshd (TCP,
# encrypted: the cipher it negotiates, AES-256-GCM with hardware AES, and
# ChaCha20-Poly1305 forced with IPCSH_CIPHERS) against `ssh 127.0.0.1 cat`
# (default cipher and aes128-gcm) in the same run, interleaved, against a
# private sshd.
#   usage: tests/helpers/remote_bench.sh [BYTES (default 1G)] [REPS (default 3)]
#   env:   BUILD (default build)
# Prints one line per run and the medians in GB/s, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
BYTES=${1:-1G}
REPS=${2:-3}
d=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-rbench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$d"
}
trap cleanup EXIT

export XDG_CONFIG_HOME=$d/config
"$B/ipcsh" --keygen -C bench >/dev/null
"$B/ipcshd" --genkey-host "$d/ipcshd_host" >/dev/null
root=
[ "$(id -u)" -eq 0 ] && root=--allow-root
"$B/ipcshd" --listen 127.0.0.1:0 --host-key "$d/ipcshd_host" \
	--authorized-keys "$d/config/ipcsh/id.pub" --quiet $root 2>"$d/d.log" &
pids+=($!)
for ((i = 0; i < 100; i++)); do
	port=$(sed -n 's/^ipcshd: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$d/d.log")
	[ -n "$port" ] && break
	sleep 0.05
done
echo "127.0.0.1:$port $(cut -d' ' -f1,2 "$d/ipcshd_host.pub")" >"$XDG_CONFIG_HOME/ipcsh/known_hosts"

ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$d/id"
cp "$d/id.pub" "$d/authorized_keys"
mkdir -p /run/sshd 2>/dev/null || true
sport=$((20000 + RANDOM % 30000))
cat >"$d/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $sport
HostKey $d/hostkey
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
PermitRootLogin yes
PasswordAuthentication no
UsePAM no
StrictModes no
CONF
/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" &
pids+=($!)
sleep 0.5
SSH=(ssh -F /dev/null -i "$d/id" -p "$sport" -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)

nbytes=$(numfmt --from=iec "$BYTES")
run() { # name cmd... : prints GB/s
	local t0 t1 n
	t0=$(date +%s.%N)
	n=$(head -c "$nbytes" /dev/zero | "$@" | wc -c)
	t1=$(date +%s.%N)
	[ "$n" -eq "$nbytes" ] || { echo "short output: $n" >&2; exit 1; }
	awk -v b="$nbytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.3f\n", b / (z - a) / 1e9 }'
}
declare -A res
for ((r = 0; r < REPS; r++)); do
	res[ipcshd]+="$(run "$B/tests/helpers/remote_client" -k "$d/config/ipcsh/id" "127.0.0.1:$port" cat) "
	res[ipcshd_chacha]+="$(IPCSH_CIPHERS=chachapoly run "$B/tests/helpers/remote_client" \
		-k "$d/config/ipcsh/id" "127.0.0.1:$port" cat) "
	res[ssh]+="$(run "${SSH[@]}" 127.0.0.1 cat) "
	res[ssh_aes]+="$(run "${SSH[@]}" -c aes128-gcm@openssh.com 127.0.0.1 cat) "
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in ipcshd ipcshd_chacha ssh ssh_aes; do
	printf '%-8s runs: %s median %s GB/s\n' "$k" "${res[$k]}" "$(echo "${res[$k]}" | median)"
done
m_i=$(echo "${res[ipcshd]}" | median)
m_s=$(echo "${res[ssh]}" | median)
m_a=$(echo "${res[ssh_aes]}" | median)
m_c=$(echo "${res[ipcshd_chacha]}" | median)
awk -v i="$m_i" -v s="$m_s" -v a="$m_a" -v c="$m_c" \
	'BEGIN { printf "ipcshd / ssh (chacha20-poly1305): %.2fx   ipcshd / ssh (aes128-gcm): %.2fx   ipcshd chacha / ssh chacha: %.2fx\n", i / s, i / a, c / s }'
