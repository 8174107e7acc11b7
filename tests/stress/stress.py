#!/usr/bin/env python3
"""make stress: SIGKILL, leak, fd and hang tests of ipcsh with figures.

Run through tests/stress/run.sh, which puts it in private IPC, mount and PID
namespaces (a fresh /dev/mqueue and /dev/shm, a process table holding only
this test), so every object or process found afterwards is ipcsh's. Without
namespaces (not root) it compares against a snapshot taken at the start.

Sections (each prints one summary line; the run fails if any check fails):
  faults   IPCSH_FAULT at every deterministic point, as root and as nobody
  kills    SIGKILL 1-50 ms into pipelines over every transport
  budget   9 default queues can still be created (root and nobody)
  loop     1,000 pipelines in one ipcsh: fd count flat, no zombie, bytes exact
  head     `yes |[T] head -1` N times per transport: each ends (hang limit)
  relay    a relay killed mid-stream: the pipeline fails with a message
  direct   libipcsh stages sharing a ring with no relay (or one): SIGKILL of
           ipcsh, of the producer or of the consumer at a random moment;
           nothing is left (processes, objects, hand-over socket names)
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import time

TRANSPORTS = ["pipe", "fifo", "sock", "mq", "mq:lines", "shm", "msg", "msg:lines", "sysvshm",
              "mmap", "dgram", "seqpacket:lines", "tcp"]
SYSV = ["/proc/sysvipc/msg", "/proc/sysvipc/shm", "/proc/sysvipc/sem"]
NOBODY = 65534
GRACE = 10.0          # seconds for relays, guardians and stages to go
HANG_LIMIT = 10.0     # seconds: a pipeline that has not ended is hung


class Ctx:
    def __init__(self, a):
        self.ipcsh = os.path.realpath(a.ipcsh)
        self.mqbudget = a.mqbudget
        self.work = a.work
        self.ns = a.ns
        self.failures = []
        self.figures = {}
        self.me = os.getpid()
        self.tmp = {}
        for uid in (0, NOBODY):
            d = os.path.join(self.work, "tmp-%d" % uid)
            os.makedirs(d, exist_ok=True)
            os.chown(d, uid, uid)
            self.tmp[uid] = d
        self.base_objects = self.objects()
        self.base_procs = self.procs()

    def fail(self, what):
        self.failures.append(what)
        print("FAIL: " + what, flush=True)

    # ---- what ipcsh could leave behind -------------------------------------
    def objects(self):
        found = set()
        for d in ["/dev/shm", "/dev/mqueue"] + list(self.tmp.values()):
            try:
                for n in os.listdir(d):
                    found.add(os.path.join(d, n))
            except OSError:
                pass
        for n in os.listdir(self.work):
            if n.startswith("path-"):
                found.add(os.path.join(self.work, n))
        # System V objects (ipcs -q -m -s): "sysv:<table>:<key>:<id>".
        for t in SYSV:
            try:
                with open(t) as f:
                    for line in f.readlines()[1:]:
                        key, ident = line.split()[:2]
                        found.add("sysv:%s:%s:%s" % (t.rsplit("/", 1)[1], key, ident))
            except OSError:
                pass
        return found

    def procs(self):
        """Live processes other than this test (zombies do not count)."""
        found = {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            pid = int(p)
            if pid in (1, self.me):
                continue
            try:
                with open("/proc/%d/stat" % pid) as f:
                    st = f.read()
                state = st[st.rindex(")") + 2]
                exe = os.readlink("/proc/%d/exe" % pid)
            except OSError:
                continue
            if state == "Z":
                continue
            if not self.ns and exe != self.ipcsh:
                continue
            found[pid] = exe
        for pid in self.base_procs if hasattr(self, "base_procs") else {}:
            found.pop(pid, None)
        return found

    def settle(self, label):
        """Wait until no process and no object is left; count and clean leaks."""
        deadline = time.monotonic() + GRACE
        while True:
            procs = self.procs()
            objs = self.objects() - self.base_objects
            if not procs and not objs:
                return 0, 0
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        for pid in procs:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if procs or objs:
            self.fail("%s: left %d processes %s and %d objects %s" % (
                label, len(procs), sorted(set(procs.values())), len(objs), sorted(objs)))
        for o in objs:
            try:
                if o.startswith("sysv:"):
                    table, _, ident = o.split(":")[1:]
                    flag = {"msg": "-q", "shm": "-m", "sem": "-s"}[table]
                    subprocess.run(["ipcrm", flag, ident], stderr=subprocess.DEVNULL)
                elif o.startswith("/dev/mqueue/"):
                    subprocess.run(["rm", "-f", o])
                elif os.path.isdir(o):
                    subprocess.run(["rm", "-rf", o])
                else:
                    os.unlink(o)
            except OSError:
                pass
        return len(procs), len(objs)

    # ---- running ipcsh -----------------------------------------------------
    def spawn(self, uid, script, env=None, **kw):
        e = dict(os.environ)
        e["TMPDIR"] = self.tmp[uid]
        e.update(env or {})
        cwd = self.tmp[uid] if uid else self.work
        extra = {}
        if uid:
            extra = dict(user=uid, group=uid, extra_groups=[])
        return subprocess.Popen([self.ipcsh, "-c", script], env=e, cwd=cwd,
                                start_new_session=True, stdin=subprocess.DEVNULL,
                                **extra, **kw)

    def children(self, pid):
        """Every child of pid."""
        out = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % p) as f:
                    st = f.read()
                if int(st[st.rindex(")") + 2:].split()[1]) == pid:
                    out.append(int(p))
            except (OSError, ValueError):
                pass
        return out

    def relays(self, pid):
        """Children of ipcsh that are ipcsh themselves (relays)."""
        out = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % p) as f:
                    st = f.read()
                ppid = int(st[st.rindex(")") + 2:].split()[1])
                if ppid == pid and os.readlink("/proc/%s/exe" % p) == self.ipcsh:
                    out.append(int(p))
            except (OSError, ValueError):
                pass
        return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100.0))]


# ---- sections -------------------------------------------------------------
FAULTS = [
    ("mq-open", ["touch ran |[mq] cat", "true |[fifo] cat |[mq:lines] cat"]),
    ("fifo-mkdir", ["touch ran |[fifo] cat", "true |[mq] cat |[fifo] cat"]),
    ("fifo-mkfifo", ["touch ran |[fifo] cat", "true |[shm] cat |[fifo] cat"]),
    ("fifo-path", ["touch ran |[fifo:path=PATH] cat", "true |[mq] cat |[fifo:path=PATH] cat"]),
    ("shm-map", ["touch ran |[shm] cat", "true |[mq] cat |[shm] cat"]),
    ("sock-pair", ["touch ran |[sock] cat", "true |[fifo] cat |[sock] cat"]),
    ("msg-get", ["touch ran |[msg] cat", "true |[sysvshm] cat |[msg:lines] cat"]),
    ("sysvshm-shmget", ["touch ran |[sysvshm] cat", "true |[msg] cat |[sysvshm] cat"]),
    ("sysvshm-semget", ["touch ran |[sysvshm] cat", "true |[msg] cat |[sysvshm:size=4K] cat"]),
    ("mmap-file", ["touch ran |[mmap] cat", "true |[msg] cat |[mmap:path=PATH] cat"]),
    ("dgram-pair", ["touch ran |[dgram] cat", "true |[msg] cat |[seqpacket] cat"]),
    ("tcp-connect", ["touch ran |[tcp] cat", "true |[sysvshm] cat |[tcp] cat"]),
    # src/exec/pipeline.c: every edge prepared, no stage started yet ...
    ("prepared", ["touch ran |[mq] cat |[fifo] cat |[shm] cat |[sock] cat |[mq:lines] cat",
                  "touch ran |[fifo:path=PATH] cat |[shm] cat",
                  "touch ran |[msg] cat |[sysvshm] cat |[mmap:path=PATH] cat |[dgram] cat "
                  "|[seqpacket] cat |[tcp] cat",
                  # process substitutions: their edges are prepared with the words
                  "cat <[mq](touch ran) <[fifo](true) <[shm](true) | tee >[sock](cat) "
                  ">[msg:lines](cat) >[sysvshm](cat) >/dev/null"]),
    # ... and every stage and relay running, ipcsh still holding the edges.
    ("spawned", ["yes |[mq] head -c 10M |[fifo] cat |[shm] cat |[sock] wc -c",
                 "yes |[fifo:path=PATH] head -c 1M |[mq:lines] cat |[shm] wc -l",
                 "yes |[msg] head -c 1M |[sysvshm] cat |[mmap:path=PATH] cat |[dgram:lines] cat "
                 "|[seqpacket] cat |[tcp] wc -c",
                 "paste <[mq](yes) <[fifo](yes) <[shm](yes) | head -c 1M | tee >[sock](wc -c) "
                 ">[msg:lines](cat) >[mmap:path=PATH](cat) | wc -c"]),
]


def sec_faults(c, reps):
    n = leaked = 0
    for point, scripts in FAULTS:
        for uid in (0, NOBODY):
            for r in range(reps):
                script = scripts[r % len(scripts)].replace(
                    "PATH", os.path.join(c.work, "path-%d" % r))
                ran = os.path.join(c.tmp[uid] if uid else c.work, "ran")
                p = c.spawn(uid, script, env={"IPCSH_FAULT": point},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                rc = p.wait()
                n += 1
                if rc != -signal.SIGKILL:
                    c.fail("fault %s (%s, uid %d): status %d, not SIGKILL" % (point, script, uid, rc))
                if os.path.exists(ran) and point != "spawned":
                    c.fail("fault %s: a stage ran before the pipeline was prepared" % point)
                if os.path.exists(ran):
                    os.unlink(ran)
                lp, lo = c.settle("fault %s uid %d" % (point, uid))
                leaked += lo
    c.figures["fault_kills"] = n
    c.figures["fault_objects_leaked"] = leaked
    print("faults: %d SIGKILLs at %d fault points (root and nobody), %d objects leaked"
          % (n, len(FAULTS), leaked), flush=True)
    return n


def kill_scripts(work):
    w = "head -c 100M /dev/zero"
    out = ["%s |[%s] cat |[%s] wc -c" % (w, t, t) for t in TRANSPORTS]
    out.append(w + " |[mq] cat |[shm] cat |[fifo] cat |[sock] cat |[mq:lines] wc -c")
    out.append("yes |[fifo:path=%s/path-k] cat |[shm] head -c 50M | wc -c" % work)
    out.append("yes |[mq:lines] cat |[mq] cat |[shm:size=64K] cat |[sock] head -c 20M |[fifo] wc -l")
    out.append(w + " |[msg] cat |[sysvshm] cat |[mmap] cat |[dgram] cat |[seqpacket] cat |[tcp] wc -c")
    out.append("yes |[mmap:path=%s/path-m] cat |[msg:lines] head -c 5M |[sysvshm:size=64K] wc -l" % work)
    # process substitutions: a graph of every kind of edge (each ends on its own)
    out.append("paste <[mq](%s) <[shm](yes) <[fifo](yes) | head -c 50M | tee >[mq:lines](wc -l) "
               ">[sysvshm](cat >/dev/null) >[sock](wc -c) | cat <[msg](head -c 1M /dev/zero) - "
               "| wc -c" % w)
    out.append("diff <[tcp](%s) <[seqpacket](head -c 5M <[dgram](yes)) | cat "
               "> >[mmap:path=%s/path-s](wc -c)" % (w, work))
    return out


def sec_kills(c, count):
    scripts = kill_scripts(c.work)
    rng = random.Random(7)
    leaked_obj = leaked_proc = 0
    delays = []
    for i in range(count):
        uid = NOBODY if i % 2 else 0
        script = scripts[i % len(scripts)]
        p = c.spawn(uid, script, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = rng.uniform(0.001, 0.050)
        time.sleep(d)
        delays.append(d)
        try:
            os.kill(p.pid, signal.SIGKILL)
        except OSError:
            pass
        p.wait()
        lp, lo = c.settle("kill #%d (%s, uid %d, %.1f ms)" % (i, script, uid, d * 1000))
        leaked_proc += lp
        leaked_obj += lo
    c.figures["random_kills"] = count
    c.figures["random_objects_leaked"] = leaked_obj
    c.figures["random_processes_left"] = leaked_proc
    print("kills: %d SIGKILLs 1-50 ms into %d pipelines (all transports, root and nobody): "
          "%d objects leaked, %d processes left" % (count, len(scripts), leaked_obj, leaked_proc),
          flush=True)
    return count


def sec_budget(c):
    ok = 0
    for uid in (0, NOBODY):
        kw = dict(user=uid, group=uid, extra_groups=[]) if uid else {}
        r = subprocess.run([c.mqbudget, "9"], capture_output=True, text=True, **kw)
        if r.returncode != 0:
            c.fail("mq budget (uid %d): %s" % (uid, r.stdout.strip() or r.stderr.strip()))
        else:
            ok += 1
    c.figures["mq_budget_whole"] = "yes" if ok == 2 else "no"
    print("budget: 9 default queues created by root and by nobody: %s"
          % ("yes" if ok == 2 else "NO"), flush=True)


def sec_loop(c, n):
    uid = NOBODY
    d = os.path.join(c.work, "loop")
    os.makedirs(d)
    os.chown(d, uid, uid)
    fds, zomb, counts = (os.path.join(d, x) for x in ("fds", "zomb", "counts"))
    lines = []
    expect = []
    for i in range(n):
        t = TRANSPORTS[i % len(TRANSPORTS)]
        size = 1000 + 37 * i
        lines.append("yes |[%s] head -c %d | wc -c >>%s" % (t, size, counts))
        expect.append(size)
        # Sampled by a single stage without redirections, so that ipcsh holds
        # only its steady-state fds meanwhile (the guardian's socket exists
        # from the first fifo/mq edge on, hence the first sample at 49).
        if i % 50 == 49 or i == n - 1:
            lines.append("sh -c 'ls /proc/$1/fd | wc -l >>%s' sh $$" % fds)
            lines.append("sh -c 'ps -o stat= --ppid $1 | grep -c Z >>%s' sh $$" % zomb)
    p = c.spawn(uid, "\n".join(lines) + "\n", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        c.fail("loop: %d pipelines did not end in 600 s" % n)
    try:
        got = [int(x) for x in open(counts).read().split()]
        f = [int(x) for x in open(fds).read().split()]
        z = [int(x) for x in open(zomb).read().split()]
    except (OSError, ValueError) as e:
        c.fail("loop: no samples (%s); stderr: %s" % (e, err[-500:]))
        return
    if got != expect:
        bad = sum(1 for a, b in zip(got, expect) if a != b) + abs(len(got) - len(expect))
        c.fail("loop: %d of %d pipelines delivered the wrong byte count" % (bad, n))
    if max(f) != min(f):
        c.fail("loop: ipcsh's fd count moved: %s" % f)
    if max(z) != 0:
        c.fail("loop: zombies seen: %s" % z)
    c.settle("loop")
    c.figures["loop_pipelines"] = n
    c.figures["loop_fds"] = "%d..%d" % (min(f), max(f))
    c.figures["loop_zombies_max"] = max(z)
    c.figures["loop_bytes_verified"] = sum(expect)
    print("loop: %d pipelines in one ipcsh (as nobody): fd count %d..%d over %d samples, "
          "max zombies %d, %d byte counts exact" % (n, min(f), max(f), len(f), max(z),
                                                   sum(1 for a, b in zip(got, expect) if a == b)),
          flush=True)


def sec_head(c, reps):
    res = []
    for t in TRANSPORTS:
        times = []
        noisy = 0
        for i in range(reps):
            uid = NOBODY if i % 2 else 0
            t0 = time.monotonic()
            p = c.spawn(uid, "yes |[%s] head -1" % t, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                out, err = p.communicate(timeout=HANG_LIMIT)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.communicate()
                c.fail("head: `yes |[%s] head -1` hung (> %.0f s)" % (t, HANG_LIMIT))
                c.settle("head %s" % t)
                continue
            times.append(time.monotonic() - t0)
            if out != b"y\n" or p.returncode != 0:
                c.fail("head %s: output %r status %d: %s" % (t, out[:20], p.returncode, err[-200:]))
            if err:
                noisy += 1
        c.settle("head %s" % t)
        if times:
            res.append((t, len(times), 1000 * pct(times, 50), 1000 * pct(times, 99),
                        1000 * max(times), noisy))
    print("head: `yes |[T] head -1` x %d per transport (hang limit %.0f s), ms:" % (reps, HANG_LIMIT))
    print("  %-9s %5s %8s %8s %8s %s" % ("T", "runs", "median", "p99", "max", "stderr-noise"))
    for t, n, med, p99, mx, noisy in res:
        print("  %-9s %5d %8.1f %8.1f %8.1f %d" % (t, n, med, p99, mx, noisy))
        c.figures["head_%s" % t] = "runs=%d median=%.1fms p99=%.1fms max=%.1fms stderr=%d" % (
            n, med, p99, mx, noisy)
    sys.stdout.flush()


def wait_until(f, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if f():
            return True
        time.sleep(0.005)
    return False


def sec_relay(c, reps):
    n = 0
    times = []
    for t in ("mq", "mq:lines", "shm"):
        for victim in (0, 1):
            for r in range(reps):
                uid = NOBODY if r % 2 else 0
                p = c.spawn(uid, "yes |[%s] cat >/dev/null" % t,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if not wait_until(lambda: len(c.relays(p.pid)) == 2, HANG_LIMIT):
                    c.fail("relay %s: relays never appeared" % t)
                    os.killpg(p.pid, signal.SIGKILL)
                    p.communicate()
                    c.settle("relay")
                    continue
                time.sleep(random.uniform(0.001, 0.02))
                rel = sorted(c.relays(p.pid))
                t0 = time.monotonic()
                try:
                    os.kill(rel[victim], signal.SIGKILL)
                except (OSError, IndexError):
                    pass
                try:
                    _, err = p.communicate(timeout=HANG_LIMIT)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    _, err = p.communicate()
                    c.fail("relay %s/%d: pipeline hung after its relay was killed" % (t, victim))
                times.append(time.monotonic() - t0)
                n += 1
                if p.returncode == 0:
                    c.fail("relay %s/%d: pipeline succeeded after a relay was killed" % (t, victim))
                if b"edge 1->2" not in err:
                    c.fail("relay %s/%d: no message naming the edge: %r" % (t, victim, err[-300:]))
                c.settle("relay %s" % t)
    c.figures["relay_kills"] = n
    if times:
        c.figures["relay_fail_max_ms"] = "%.1f" % (1000 * max(times))
    print("relay: %d relays killed mid-stream (mq, mq:lines, shm; either side): every pipeline "
          "failed with a message naming the edge; slowest end %.1f ms" % (n, 1000 * max(times or [0])),
          flush=True)


def exe_of(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def ring_names():
    """Hand-over listeners of shm edges (abstract names) in this netns."""
    try:
        with open("/proc/net/unix") as f:
            return sum(1 for line in f if "@ipcsh-ring/" in line)
    except OSError:
        return 0


def sec_direct(c, count):
    rp = os.path.join(os.path.dirname(c.ipcsh), "tests", "helpers", "ringpeer")
    if not os.access(rp, os.X_OK):
        c.fail("direct: %s is not built (make check builds it)" % rp)
        return 0
    scripts = ["%s prod 1000000000 |[shm] %s cons" % (rp, rp),
               "%s prod 300000000 |[shm:size=64K] cat |[shm] %s cons" % (rp, rp),
               "trap '' PIPE; %s prod-forever |[shm] %s cons-head 1000000000" % (rp, rp)]
    rng = random.Random(18)
    base_names = ring_names()
    leaked_obj = leaked_proc = names = 0
    for i in range(count):
        uid = NOBODY if i % 2 else 0
        script = scripts[i % len(scripts)]
        victim = ("ipcsh", "producer", "consumer")[(i // len(scripts)) % 3]
        p = c.spawn(uid, script, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = rng.uniform(0.005, 0.150)
        time.sleep(d)
        stages = sorted(k for k in c.children(p.pid) if exe_of(k) == os.path.realpath(rp))
        target = p.pid if victim == "ipcsh" or not stages else \
            (stages[0] if victim == "producer" else stages[-1])
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
        try:
            p.wait(timeout=HANG_LIMIT)
        except subprocess.TimeoutExpired:
            c.fail("direct #%d (%s, kill %s): ipcsh hung" % (i, script, victim))
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        lp, lo = c.settle("direct #%d (%s, uid %d, kill %s after %.0f ms)" % (
            i, script, uid, victim, d * 1000))
        leaked_proc += lp
        leaked_obj += lo
        deadline = time.monotonic() + GRACE
        while ring_names() > base_names and time.monotonic() < deadline:
            time.sleep(0.01)
        if ring_names() > base_names:
            names += 1
            c.fail("direct #%d (%s): a hand-over socket name is left" % (i, script))
    c.figures["direct_kills"] = count
    c.figures["direct_left"] = leaked_obj + leaked_proc + names
    print("direct: %d SIGKILLs of ipcsh, producer or consumer with ring-aware stages (root and "
          "nobody): %d objects, %d processes, %d socket names left"
          % (count, leaked_obj, leaked_proc, names), flush=True)
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ipcsh", required=True)
    ap.add_argument("--mqbudget", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ns", action="store_true", help="inside private namespaces")
    ap.add_argument("--kills", type=int, default=1000, help="SIGKILLs in all (faults + random)")
    ap.add_argument("--fault-reps", type=int, default=10)
    ap.add_argument("--loop", type=int, default=1000)
    ap.add_argument("--head", type=int, default=200)
    ap.add_argument("--relay-reps", type=int, default=10)
    ap.add_argument("--direct", type=int, default=60)
    ap.add_argument("--only", default="faults,kills,budget,loop,head,relay,direct")
    a = ap.parse_args()
    if os.getuid() != 0:
        sys.exit("stress: must run as root (it switches to nobody for unprivileged runs)")
    c = Ctx(a)
    only = a.only.split(",")
    t0 = time.monotonic()
    kills = 0
    if "faults" in only:
        kills += sec_faults(c, a.fault_reps)
    if "kills" in only:
        kills += sec_kills(c, max(0, a.kills - kills))
    if "budget" in only:
        sec_budget(c)
    if "loop" in only:
        sec_loop(c, a.loop)
    if "head" in only:
        sec_head(c, a.head)
    if "relay" in only:
        sec_relay(c, a.relay_reps)
    if "direct" in only:
        kills += sec_direct(c, a.direct)
    if "budget" in only and kills:
        sec_budget(c)
    c.figures["sigkills_total"] = kills
    c.figures["failures"] = len(c.failures)
    c.figures["seconds"] = "%.0f" % (time.monotonic() - t0)
    print("\n== stress summary (%s)" % ("private namespaces" if a.ns else "shared system"))
    for k, v in c.figures.items():
        print("  %-24s %s" % (k, v))
    print("stress: %s (%d failures)" % ("PASS" if not c.failures else "FAIL", len(c.failures)))
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
