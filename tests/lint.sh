#!/usr/bin/env bash
# make lint: static analysis, clean or failing.
#   cppcheck   (warning, portability) on src/, suppressions in tests/cppcheck.supp
#   clang-tidy (bugprone-*, cert-*, clang-analyzer-*; see .clang-tidy) on src/
#   ShellCheck on every shell script of the project
#   mandoc -Tlint -Wwarning on man/*
# Each tool runs even when an earlier one failed; the last line says which
# failed. A missing tool is a failure (tools/deps.sh installs them).
# LINT_ONLY="cppcheck shellcheck" runs a subset.
set -u
cd "$(dirname "$0")/.." || exit 2
only=${LINT_ONLY:-cppcheck clang-tidy shellcheck mandoc}
jobs=$(nproc 2>/dev/null || echo 2)
failed=()
cflags=(-std=c17 -D_GNU_SOURCE -DIPCSH_VERSION='"lint"' -Isrc)
read -ra pkg <<<"$(pkg-config --cflags readline libsodium 2>/dev/null)"
cflags+=("${pkg[@]}")

want() { [[ " $only " == *" $1 "* ]]; }
need() { command -v "$1" >/dev/null || { echo "lint: $1 is not installed" >&2; return 1; }; }

mapfile -t csrc < <(find src -name '*.c' | sort)

if want cppcheck; then
	echo "== cppcheck"
	need cppcheck && cppcheck -q --enable=warning,portability --error-exitcode=1 \
		--std=c11 -D_GNU_SOURCE -DIPCSH_VERSION='"lint"' -Isrc --inline-suppr \
		--suppressions-list=tests/cppcheck.supp \
		--template='{file}:{line}: {severity}: {id}: {message}' src/ || failed+=(cppcheck)
fi

if want clang-tidy; then
	echo "== clang-tidy (${#csrc[@]} files)"
	# One file per process, in parallel; --quiet keeps only diagnostics.
	need clang-tidy && printf '%s\0' "${csrc[@]}" |
		xargs -0 -I{} -P "$jobs" clang-tidy --quiet {} -- "${cflags[@]}" 2>/dev/null |
		grep -v '^[0-9]* warnings* generated' |
		{ if grep -E . ; then exit 1; fi; } || failed+=(clang-tidy)
fi

if want shellcheck; then
	shfiles=(tests/*.sh tests/stress/*.sh tools/*.sh bench/*.sh fuzz/*.sh .ci/run
		tests/common.bash)
	existing=()
	for f in "${shfiles[@]}"; do [ -f "$f" ] && existing+=("$f"); done
	echo "== shellcheck (${#existing[@]} scripts + bash completions)"
	if need shellcheck; then
		shellcheck -x "${existing[@]}" || failed+=(shellcheck)
		comp=()
		for f in completions/ipcsh completions/ipcshd; do [ -f "$f" ] && comp+=("$f"); done
		# Completion files have no shebang: they are sourced by bash.
		[ ${#comp[@]} -eq 0 ] || shellcheck -s bash "${comp[@]}" || failed+=(shellcheck-completions)
	fi
fi

if want mandoc; then
	echo "== mandoc"
	need mandoc && mandoc -Tlint -Wwarning man/* || failed+=(mandoc)
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "lint: FAILED: ${failed[*]}"
	exit 1
fi
echo "lint: clean ($only)"
