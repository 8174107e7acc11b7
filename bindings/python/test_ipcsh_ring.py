#!/usr/bin/env python3
"""Tests of the Python binding (run by make check through tests/ring.bats):
the same two scripts under ipcsh with |[shm] (both sides get the ring,
zero-copy memoryviews), with one side relayed, under bash and on a pipe
edge (fds), EPIPE as BrokenPipeError.

    IPCSH=build/ipcsh IPCSH_LIBRARY=build/libipcsh.so.1 python3 test_ipcsh_ring.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
IPCSH = os.environ.get("IPCSH", "ipcsh")

PROD = r'''
import sys, ipcsh_ring
n = int(sys.argv[1])
out = ipcsh_ring.stdout()
sys.stderr.write("prod %s\n" % ("ring" if out else "fd"))
rec = bytes(range(256)) * 4
sent = 0
while sent < n:
    k = min(len(rec), n - sent)
    if out:
        v = out.reserve(k)
        assert len(v) >= k and not v.readonly
        v[:k] = rec[:k]
        out.commit(k)
    else:
        sys.stdout.buffer.write(rec[:k])
    sent += k
if out:
    out.close()
'''

CONS = r'''
import sys, hashlib, ipcsh_ring
inp = ipcsh_ring.stdin()
sys.stderr.write("cons %s\n" % ("ring" if inp else "fd"))
h = hashlib.sha256()
total = 0
while True:
    if inp:
        v = inp.peek(1)
        if not len(v):
            break
        assert v.readonly
        h.update(v)
        total += len(v)
        inp.release(len(v))
    else:
        b = sys.stdin.buffer.read(65536)
        if not b:
            break
        h.update(b)
        total += len(b)
print(total, h.hexdigest())
'''

FOREVER = r'''
import sys, ipcsh_ring
out = ipcsh_ring.stdout()
try:
    while True:
        out.write(b"y\n" * 512)
except BrokenPipeError:
    sys.stderr.write("BrokenPipeError\n")
'''

HEAD = r'''
import sys, ipcsh_ring
inp = ipcsh_ring.stdin()
got = b""
while len(got) < 1000:
    got += inp.read(1000 - len(got))
inp.close()
print(len(got))
'''


def expected(n):
    import hashlib
    rec = bytes(range(256)) * 4
    data = (rec * (n // len(rec) + 1))[:n]
    return "%d %s" % (n, hashlib.sha256(data).hexdigest())


class RingBinding(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        for name, text in (("prod.py", PROD), ("cons.py", CONS), ("forever.py", FOREVER),
                           ("head.py", HEAD)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
        self.env = dict(os.environ, PYTHONPATH=HERE)

    def run_in(self, shell, text):
        argv = [IPCSH, "-c", text] if shell == "ipcsh" else ["bash", "-c", text]
        return subprocess.run(argv, cwd=self.dir, env=self.env, capture_output=True, text=True,
                              timeout=120)

    def check(self, shell, text, n, notes):
        r = self.run_in(shell, text)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), expected(n))
        self.assertEqual(sorted(r.stderr.split("\n")[:-1]), notes, r.stderr)

    def test_both_sides_direct(self):
        self.check("ipcsh", "python3 prod.py 3000001 |[shm] python3 cons.py", 3000001,
                   ["cons ring", "prod ring"])

    def test_small_ring_wraps(self):
        # More than the relay's 1 MiB pipe holds: a consumer that asks late
        # could otherwise find the stream over and its relay gone (then it
        # reads its fd, correctly, but this test wants the ring).
        self.check("ipcsh", "python3 prod.py 3000001 |[shm:size=4096] python3 cons.py", 3000001,
                   ["cons ring", "prod ring"])

    def test_one_side_relayed(self):
        self.check("ipcsh", "python3 prod.py 500000 |[shm] cat | python3 cons.py", 500000,
                   ["cons fd", "prod ring"])

    def test_bash_and_pipe_edge_use_fds(self):
        self.check("bash", "python3 prod.py 500000 | python3 cons.py", 500000,
                   ["cons fd", "prod fd"])
        self.check("ipcsh", "python3 prod.py 500000 |[pipe] python3 cons.py", 500000,
                   ["cons fd", "prod fd"])

    def test_epipe(self):
        r = self.run_in("ipcsh", "python3 forever.py |[shm] python3 head.py")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "1000")
        self.assertIn("BrokenPipeError", r.stderr)

    def test_none_off_an_edge_and_closed_ring_refuses(self):
        r = self.run_in("bash", "echo x | python3 -c 'import ipcsh_ring; "
                        "print(ipcsh_ring.stdin(), ipcsh_ring.stdout())' | cat")
        self.assertEqual(r.stdout.strip(), "None None", r.stderr)
        sys.path.insert(0, HERE)
        import ipcsh_ring
        with self.assertRaises(ValueError):
            ipcsh_ring.Ring(None).peek()


if __name__ == "__main__":
    unittest.main(verbosity=2)
