/* fuzz_keys.c — libFuzzer target for the key parsers (src/remote/keys.c).
 * The first byte picks one:
 *   0: the rest is an authorized_keys text; every admitted entry is looked
 *      up again and its from= checked against an IPv4 and an IPv6 address;
 *   1: the rest is a known_hosts text, looked up for three hosts;
 *   2: the rest is one key line, public and private. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "remote/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void authorized(const char *s, size_t n)
{
	struct strbuf w = {0};
	struct authkeys *ak = authkeys_parse(s, n, "f", &w);
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a000001)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	a6.sin6_addr.s6_addr[15] = 1;
	for (size_t i = 0; i < ak->n; i++) {
		const struct authkey *k = authkeys_find(ak, ak->v[i].pub);
		if (!k)
			abort();  /* an admitted key must be found again */
		(void)authkey_from_ok(k, (struct sockaddr *)&a4);
		(void)authkey_from_ok(k, (struct sockaddr *)&a6);
		(void)authkey_env_ok(k, "LANG");
		for (size_t j = 0; j < k->ncommand; j++)
			if (!k->command[j])
				abort();
	}
	authkeys_free(ak);
	sb_free(&w);
}

static void known(const char *s, size_t n)
{
	static const uint8_t pub[KEY_BYTES] = {1, 2, 3};
	static const char *const hosts[][2] = {{"h", "7433"}, {"::1", "7501"}, {"a.b", "1"}};
	struct strbuf w = {0};
	for (size_t i = 0; i < 3; i++) {
		unsigned line;
		(void)known_hosts_check(s, n, "f", hosts[i][0], hosts[i][1], pub, &line, &w);
	}
	sb_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	uint8_t key[KEY_BYTES];
	char *comment;
	struct errbuf e;
	switch (data[0] % 3) {
	case 0: authorized(s, n); break;
	case 1: known(s, n); break;
	default:
		if (key_parse(KEY_TYPE, s, n, key, &comment, &e) == 0)
			free(comment);
		if (key_parse(KEY_TYPE_PRIVATE, s, n, key, NULL, &e) < 0)
			return 0;
	}
	return 0;
}
