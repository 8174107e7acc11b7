/* tap.h — a minimal TAP producer for the C unit tests.
 *   TAP_OK(cond, "name %d", x);   ...   return tap_done();
 * Each check prints "ok N - name" or "not ok N - name" (with file:line). */
#ifndef IPCSH_TAP_H
#define IPCSH_TAP_H
#include <stdio.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                      \
	do {                                                                   \
		int tap_c_ = !!(cond);                                         \
		tap_n++;                                                       \
		printf("%sok %d - ", tap_c_ ? "" : "not ", tap_n);            \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		if (!tap_c_) {                                                 \
			tap_failed++;                                          \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                              \
		fflush(stdout);                                                \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif
