#!/usr/bin/env bash
# make fuzz: build every fuzz/fuzz_*.c with clang's libFuzzer (+ASan+UBSan)
# and run each for FUZZ_SECONDS over its corpus. New interesting inputs go to
# fuzz/findings/NAME/corpus (merge the useful ones into fuzz/corpus/NAME by
# hand); crashes to fuzz/findings/NAME/. Prints the executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
B=build-fuzz
SAN=fuzzer-no-link,address,undefined
make -s -j2 CC="$FUZZ_CC" BUILD=$B SANITIZE=$SAN $B/libipcsh-core.a
LIBS="$(pkg-config --libs readline libsodium) -lrt"
CFLAGS="-g -O1 -D_GNU_SOURCE -Isrc $(pkg-config --cflags readline libsodium)"
status=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$B/fuzz/$name
	mkdir -p "$B/fuzz" "fuzz/findings/$name/corpus"
	# shellcheck disable=SC2086
	"$FUZZ_CC" $CFLAGS -fsanitize=fuzzer,address,undefined -o "$bin" "$src" $B/libipcsh-core.a $LIBS
	dict=()
	[ -f "fuzz/${name#fuzz_}.dict" ] && dict=(-dict="fuzz/${name#fuzz_}.dict")
	echo "== $name: ${FUZZ_SECONDS}s"
	if ! "$bin" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		-artifact_prefix="fuzz/findings/$name/" "fuzz/findings/$name/corpus" "fuzz/corpus/$name" \
		2>"fuzz/findings/$name/log"; then
		echo "!! $name: finding, see fuzz/findings/$name/"
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^Done' "fuzz/findings/$name/log" || true
done
exit $status
