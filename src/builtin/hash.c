/* hash.c — hash [-r] [NAME...]: the commands ipcsh remembered where it
 * found (src/exec/path.c's cache), as bash lists them. */
#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

static void hash_line(const char *name, const char *path, void *ctx)
{
	struct strbuf *sb = ctx;
	sb_addf(sb, "%4u\t%s\n", path_hash_hits(name), path);
}

int bi_hash(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "r", f);
	if (i < 0)
		return 2;
	if (f['r'])
		path_hash_clear();
	int st = 0;
	for (; i < argc; i++)
		if (path_hash_add(argv[i]) < 0) {
			msg_err("hash: %s: not found", argv[i]);
			st = 1;
		}
	if (f['r'] || argc > 1)
		return st;
	struct strbuf sb = {0};
	path_hash_each(hash_line, &sb);
	if (sb.len)
		out_printf("hits\tcommand\n%s", sb.buf);
	else
		out_printf("hash: hash table empty\n");
	sb_free(&sb);
	return st;
}
