/* fuzz_noise.c — libFuzzer target for the Noise handshake reader
 * (src/remote/noise.c). The first byte picks the protocol (bits 0-1: XX,
 * IK, NNpsk0, XXpsk3; bit 2: AESGCM where the CPU has it, else
 * ChaChaPoly; bit 3: SHA256 or BLAKE2b) and the role (bit 4: the harness is
 * the responder reading the input, else the initiator) and whether the
 * harness's peer first plays its genuine part (bit 5), so that the input
 * reaches later messages. The rest is messages, each a big-endian u16
 * length and its bytes. After a handshake that completes (the input may be
 * a correct one), a transport message of the input is decrypted. */
#include <stdio.h>
#include <string.h>

#include "remote/noise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t is_[32] = {1}, rs_[32] = {2}, psk[1][32] = {{3}};

static struct noise_hs *make(uint8_t sel, bool init)
{
	static const char *const pat[] = {"XX", "IK", "NNpsk0", "XXpsk3"};
	char name[64];
	struct noise_protocol p;
	struct errbuf e;
	uint8_t rpriv[32], rpub[32];
	snprintf(name, sizeof name, "Noise_%s_25519_%s_%s", pat[sel & 3],
		 sel & 4 ? "AESGCM" : "ChaChaPoly", sel & 8 ? "BLAKE2b" : "SHA256");
	if (noise_protocol_parse(name, &p, &e) < 0) {
		snprintf(name, sizeof name, "Noise_%s_25519_ChaChaPoly_SHA256", pat[sel & 3]);
		if (noise_protocol_parse(name, &p, &e) < 0)
			return NULL;
	}
	memcpy(rpriv, rs_, sizeof rpriv);
	if (noise_keypair(rpriv, rpub, true) < 0)
		return NULL;
	struct noise_keys k = {.s = init ? is_ : rs_, .rs = init && (sel & 3) == 1 ? rpub : NULL,
			       .psk = p.npsk ? psk : NULL, .npsk = p.npsk,
			       .prologue = (const uint8_t *)"fuzz", .prologue_len = 4};
	return noise_hs_new(&p, init, &k, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[NOISE_MSG_MAX], msg[NOISE_MSG_MAX];
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	bool responder = sel & 16, genuine = sel & 32;
	struct noise_hs *me = make(sel, !responder), *peer = genuine ? make(sel, responder) : NULL;
	struct errbuf e;
	size_t at = 1;
	if (!me)
		return 0;
	while (!noise_hs_done(me)) {
		if (noise_hs_writing(me)) {
			long n = noise_hs_write(me, NULL, 0, msg, sizeof msg, &e);
			if (n < 0 || (peer && noise_hs_read(peer, msg, (size_t)n, out, sizeof out, &e) < 0))
				goto done;
			continue;
		}
		if (peer && noise_hs_writing(peer)) {
			/* The genuine message, then the input's as the next one. */
			long n = noise_hs_write(peer, NULL, 0, msg, sizeof msg, &e);
			if (n < 0 || noise_hs_read(me, msg, (size_t)n, out, sizeof out, &e) < 0)
				goto done;
			noise_hs_free(peer);
			peer = NULL;
			continue;
		}
		if (size - at < 2)
			goto done;
		size_t n = (size_t)data[at] << 8 | data[at + 1];
		at += 2;
		if (n > size - at)
			n = size - at;
		if (noise_hs_read(me, data + at, n, out, sizeof out, &e) < 0)
			goto done;
		at += n;
	}
	struct noise_cs tx, rx;
	if (noise_hs_split(me, &tx, &rx) == 0 && size - at > 0 &&
	    noise_cs_decrypt(&rx, NULL, 0, data + at, size - at, out) >= 0 &&
	    noise_cs_encrypt(&tx, NULL, 0, out, 0, msg) < 0)
		__builtin_trap();
	noise_cs_wipe(&tx);
	noise_cs_wipe(&rx);
done:
	noise_hs_free(me);
	noise_hs_free(peer);
	return 0;
}
