#!/usr/bin/env bats
# Keys as ssh users know them (SPEC §2, §9): ipcsh --keygen [-f FILE] [-l]
# and ipcshd --genkey-host FILE. The parsers behind authorized_keys and
# known_hosts are tested in C (tests/unit/test_keys.c) and fuzzed
# (fuzz/fuzz_keys.c).

load common

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
}

@test "keygen: id is 0600, id.pub one line (type, base64, comment), in \$XDG_CONFIG_HOME/ipcsh" {
	run --separate-stderr ipcsh --keygen -C 'me@here'
	assert_success
	[ "$(stat -c %a config/ipcsh)" = 700 ]
	[ "$(stat -c %a config/ipcsh/id)" = 600 ]
	[ "$(wc -l <config/ipcsh/id.pub)" -eq 1 ]
	grep -Eqx 'ipcsh-x25519 [A-Za-z0-9+/]{43}= me@here' config/ipcsh/id.pub
	[[ $output == *"fingerprint: SHA256:"*" me@here"* ]]
}

@test "keygen: never overwrites a key, nor its .pub, nor through a symlink" {
	ipcsh --keygen -f k -C one
	cp k k.before
	cp k.pub k.pub.before
	run --separate-stderr ipcsh --keygen -f k -C two
	assert_failure
	[[ $stderr == *"exists (never overwritten)"* ]]
	cmp k k.before
	cmp k.pub k.pub.before
	echo x >lone.pub
	run --separate-stderr ipcsh --keygen -f lone
	assert_failure
	[ ! -e lone ]
	ln -s "$BATS_TEST_TMPDIR/elsewhere" link
	run --separate-stderr ipcsh --keygen -f link
	assert_failure
	[ ! -e elsewhere ]
}

@test "keygen -l: the fingerprint is the SHA-256 of the key, as ssh prints it" {
	ipcsh --keygen -f k -C 'a b'
	run --separate-stderr ipcsh --keygen -l -f k.pub
	assert_success
	want=$(cut -d' ' -f2 k.pub | base64 -d | sha256sum | cut -d' ' -f1 | xxd -r -p | base64 | tr -d '=')
	[ "$output" = "256 SHA256:$want a b (X25519)" ]
	run --separate-stderr ipcsh --keygen -l -f k
	assert_success
	[ "$output" = "256 SHA256:$want a b (X25519)" ]
	ipcsh --keygen -C dflt
	run --separate-stderr ipcsh --keygen -l
	assert_success
	[[ $output == "256 SHA256:"*" dflt (X25519)" ]]
}

@test "keygen -l lists every key of an authorized_keys file and skips what is not a key" {
	ipcsh --keygen -f a -C alice
	ipcsh --keygen -f b -C bob
	{ echo '# keys'; cat a.pub; echo 'allow="cat",from="10.0.0.0/8"' "$(cat b.pub)"; echo junk; } >ak
	run --separate-stderr ipcsh --keygen -l -f ak
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == *" alice (X25519)" && ${lines[1]} == *" bob (X25519)" ]]
	echo junk >none
	run --separate-stderr ipcsh --keygen -l -f none
	assert_failure
	[[ $stderr == *"no ipcsh-x25519 key"* ]]
}

@test "keygen: a bad argument or a control character in the comment is a usage error" {
	run --separate-stderr ipcsh --keygen -q
	[ "$status" -eq 2 ]
	[[ $stderr == *"unknown argument '-q'"* ]]
	run --separate-stderr ipcsh --keygen -f k -C $'a\nb'
	[ "$status" -eq 2 ]
	[ ! -e k ]
}

@test "keygen is an option: a script named keygen still runs" {
	printf 'echo ran\n' >keygen
	run ipcsh keygen
	assert_success
	assert_output ran
}

@test "ipcshd --genkey-host: a host key pair, 0600, never overwritten" {
	run --separate-stderr "$IPCSHD" --genkey-host hk
	assert_success
	[ "$(stat -c %a hk)" = 600 ]
	grep -Eqx 'ipcsh-x25519 [A-Za-z0-9+/]{43}= ipcshd@.*' hk.pub
	fp=$(ipcsh --keygen -l -f hk.pub | cut -d' ' -f2)
	[[ $output == *"fingerprint: $fp"* ]]
	cp hk hk.before
	run --separate-stderr "$IPCSHD" --genkey-host hk
	assert_failure
	cmp hk hk.before
}
