#!/bin/sh
# Installs the Debian packages ipcsh needs to build and to run its tests.
# Quiet and quick when everything is already there.
set -e
PKGS="build-essential pkg-config libreadline-dev libsodium-dev libssl-dev clang \
bats bats-assert bats-support bats-file tmux mandoc openssh-server openssh-client \
tcpdump python3 shellcheck cppcheck procps util-linux psmisc man-db zsh fish bash-completion dash less \
graphviz"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "tools/deps.sh: installing:$missing" >&2
$SUDO apt-get update -qq
# $missing is a list of package names: split on purpose.
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
