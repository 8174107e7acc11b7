/* internal.h — shared by the transport files only (not by the executor).
 *
 * - the guardian (guard.c): names ipcsh gives to system objects are told
 *   to a separate process before the object exists, so they never outlive
 *   ipcsh, even under SIGKILL;
 * - fault points (guard.c): test-only, IPCSH_FAULT=<point> kills ipcsh
 *   right after an object is created;
 * - relay plumbing (relay.c): the liveness socket pair that lets the two
 *   relays of an edge notice each other's death, and message helpers;
 * - pipe sizing (pipe.c) shared by pipe and fifo.
 */
#ifndef IPCSH_TRANSPORT_INTERNAL_H
#define IPCSH_TRANSPORT_INTERNAL_H

#include "transport.h"

/* Kinds of names the guardian removes. System V objects are named by
 * their key in decimal (sysv.c); a GUARD_REGFILE is unlinked only if it
 * still is a regular file (mmap:path=). */
enum {
	GUARD_FILE = 'f', GUARD_DIR = 'd', GUARD_MQ = 'm', GUARD_REGFILE = 'r',
	GUARD_SYSV_MSG = 'q', GUARD_SYSV_SEM = 's', GUARD_SYSV_SHM = 'h',
};

/* Tell the guardian (forked on first use) about `name` before creating the
 * object: if ipcsh dies, the guardian removes it (a FIFO is unlinked only
 * if it still is a FIFO, a directory only if empty). Returns 0/-1 (errno). */
int guard_add(int kind, const char *name) WUR;
/* The object is gone (unlinked by ipcsh): stop tracking it. */
void guard_forget(int kind, const char *name);

/* Test-only: when the environment variable IPCSH_FAULT equals `point`,
 * raise(SIGKILL) at once. Points: mq-open, fifo-mkdir, fifo-mkfifo,
 * fifo-path, shm-map, sock-pair, msg-get, sysvshm-shmget, sysvshm-semget,
 * mmap-file, dgram-pair, tcp-connect. */
void fault_point(const char *point);

/* Without buf=, the send buffer ipcsh asks for a socket pair's sender
 * (sock, dgram, seqpacket): the 1 MiB of its pipes and rings, so that the
 * writer is not woken for every 100 KiB. Asked with SO_SNDBUF (and
 * SO_RCVBUF for sock), never forced: /proc/sys/net/core/wmem_max and
 * rmem_max cap it, and -x shows what was granted. */
#define SOCK_DEFAULT_BUF (1u << 20)

/* Ask for a socket buffer (opt: SO_SNDBUF or SO_RCVBUF) of want bytes;
 * force (buf= given): past net.core.wmem_max/rmem_max when ipcsh has
 * CAP_NET_ADMIN (SO_*BUFFORCE), else within them. 0/-1 (errno). */
int sockbuf_set(int fd, int opt, uint64_t want, bool force);
/* What the kernel reports for opt (twice what it grants), or -1. */
int sockbuf_get(int fd, int opt);

/* A random lowercase hex string of 2*nbytes digits into buf (size > 2*nbytes). */
void random_hex(char *buf, size_t nbytes);

/* Liveness between the two relays of one edge: a socketpair, one end kept
 * by each relay (close-on-exec, the parent's copies closed by release). The
 * consumer-side relay writes LIVE_READER_GONE before it exits because the
 * consumer went away; any other end of the peer shows as EOF/hang-up. */
#define LIVE_READER_GONE 'G'
/* The sender's end is held by a program or a stage from now on, not by a
 * relay: a ring-aware program that took the ring (shm's hand-over,
 * ringproto.h's RINGPROTO_DIRECT), or a consumer stage that relays in a
 * thread (src/exec/outthread.c). Its end closing is then a reader gone, not
 * a relay dead. live_peek notes it in *direct. */
#define LIVE_DIRECT 'D'
int live_make(int fds[2]) WUR;
/* What the peer's end says, without blocking: 0 alive, 1 reader gone
 * (a clean stop), 2 died. Use after poll() reported the fd. direct (NULL:
 * the transport never relays in a thread) keeps LIVE_DIRECT across calls. */
int live_peek(int fd, bool *direct);
/* Say c to the peer (LIVE_DIRECT, LIVE_READER_GONE...), never blocking; a
 * peer gone already needs no word. */
void live_say(int fd, char c);
/* Tell the producer side that the consumer is gone. */
void live_say_gone(int fd);

/* Has the reader of pipe write end `out` gone (POLLERR), without writing? */
bool relay_out_gone(int out);
/* relay_in's wait for input from the producer's (non-blocking) pipe, watching
 * the liveness socket too: 0 input is ready (or EOF), 1 the consumer side
 * said it is gone, -1 the consumer-side relay died (message printed). */
int relay_in_wait(const struct edge *e, int in, int live, bool *direct);

/* Batching in relay_in (relay.c). A producer writing small blocks (dd
 * bs=4k) would otherwise cost one message or slot, and one wake-up of the
 * consumer side, per block. When the producer's pipe runs dry with a
 * partial message or slot held, relay_in naps RELAY_BATCH_NS once for more
 * — but only while the producer streams (`streak`: reads since relay_in
 * last slept waiting for input, >= 2), so a lone message after a pause is
 * passed on at once. relay_batch_init() (once per relay) asks for a 1 us
 * timer slack so the nap is the window, not the default 50 us more.
 * relay_batch_nap returns true if it napped. */
#define RELAY_BATCH_NS 50000L
void relay_batch_init(void);
bool relay_batch_nap(unsigned streak);

/* "edge 1->2 (shm)" into buf. */
void edge_label(const struct edge *e, char *buf, size_t len);
/* The ring of a shared-memory edge (shm, sysvshm, mmap): its size= or the
 * default, rounded up to a power of two into *size. 0, or -1 with the
 * reason in err (a size beyond the largest ring). */
int edge_ring_size(const struct edge *e, uint64_t *size, struct errbuf *err) WUR;
/* In a relay: print "ipcsh: edge 1->2 (T): TEXT" to stderr. */
void relay_msg(const struct edge *e, const char *fmt, ...) PRINTF(2, 3);
/* Stats helpers for relays (no-ops unless e->want_stats). */
void stats_add(const struct edge *e, uint64_t bytes, uint64_t msgs);
void stats_end(const struct edge *e);

/* Size a pipe or FIFO for an edge: the explicit size= (error if the kernel
 * refuses it) or the default within ipcsh's share of the per-user budget.
 * *got is the budget share taken (give back with pipe_budget_release). */
int pipe_size_edge(struct edge *e, int fd, uint64_t *got, struct errbuf *err) WUR;
/* /proc/sys/fs/pipe-max-size. */
uint64_t pipe_max_size(void);

/* ---- System V objects (sysv.c) ---- */
enum sysv_kind { SYSV_MSG, SYSV_SEM, SYSV_SHM };
/* Create a System V object under a fresh random key, told to the guardian
 * (kind GUARD_SYSV_*) before it exists: msgget/semget/shmget(key,
 * IPC_CREAT|IPC_EXCL|0600, ...) with `arg` as the segment size (shm) or the
 * number of semaphores (sem). Returns the id, *key set; -1 with errno. */
int sysv_create(enum sysv_kind kind, uint64_t arg, key_t *key) WUR;
/* Remove the object (IPC_RMID, if `id` still is the object of `key`), and
 * tell the guardian to forget it. */
void sysv_remove(enum sysv_kind kind, int id, key_t key);
/* Only the IPC_RMID of sysv_remove, for a relay (which must not talk to
 * ipcsh's guardian): ipcsh's finish() and the guardian then find nothing. */
void sysv_rmid(enum sysv_kind kind, int id, key_t key);
/* The guardian no longer needs to know the key (the object was removed
 * with IPC_RMID but lives on while attached). */
void sysv_forget(enum sysv_kind kind, key_t key);
/* A System V limit from /proc/sys/kernel/NAME (dflt if unreadable); for
 * "sem", field 0..3 of SEMMSL SEMMNS SEMOPM SEMMNI. */
uint64_t sysv_limit(const char *name, int field, uint64_t dflt);
/* Used by the guardian: remove the object of this kind under key `name`. */
void sysv_remove_key(int guard_kind, const char *name);

/* ---- relays over a blocking call that has no fd to poll (msg, sysvshm) ----
 * In a relay: make SIGALRM interrupt blocking calls every `ms`
 * milliseconds (EINTR), so that a relay blocked in msgsnd/msgrcv/semop
 * looks at its peer now and then. */
void relay_tick(int ms);

#endif
