"""ipcsh_ring -- read and write an ipcsh ``|[shm]`` edge's ring from Python.

A ctypes binding of libipcsh (see ``man 3 ipcsh_ring``); no compiled
extension.  When ipcsh runs this program as a stage next to a ``|[shm]``
edge, ``stdout()`` / ``stdin()`` return a :class:`Ring` and the relay on that
side steps aside; anywhere else (a plain pipe, a file, bash) they return
None and the program uses ``sys.stdin.buffer`` / ``sys.stdout.buffer``::

    import sys, ipcsh_ring
    out = ipcsh_ring.stdout()
    for rec in records():
        if out:
            view = out.reserve(len(rec))      # writable memoryview, zero copy
            view[:len(rec)] = rec
            out.commit(len(rec))
        else:
            sys.stdout.buffer.write(rec)

Zero-copy views (``reserve``, ``peek``) are memoryviews over the shared
ring: they are valid until the next ``commit`` / ``release`` on that ring and
must not be used after it.  Errors raise OSError (BrokenPipeError when the
consumer is gone, errno EIO when the producer died, EPROTO for a corrupt
ring, BlockingIOError in non-blocking mode).

The library is found through $IPCSH_LIBRARY (a path), then the system's
``libipcsh.so.1``.
"""

import ctypes
import ctypes.util
import os

__all__ = ["Ring", "stdin", "stdout", "BLOCK", "NONBLOCK", "SPIN"]

BLOCK, NONBLOCK, SPIN = 0, 1, 2


def _load():
    path = os.environ.get("IPCSH_LIBRARY")
    names = [path] if path else []
    names += [ctypes.util.find_library("ipcsh"), "libipcsh.so.1"]
    last = None
    for name in names:
        if not name:
            continue
        try:
            return ctypes.CDLL(name, use_errno=True)
        except OSError as e:
            last = e
    raise OSError("ipcsh_ring: cannot load libipcsh (set IPCSH_LIBRARY): %s" % last)


_lib = _load()
_vp, _sz, _ssz = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_ssize_t
for _name, _res, _args in [
    ("ipcsh_ring_stdin", _vp, []),
    ("ipcsh_ring_stdout", _vp, []),
    ("ipcsh_ring_set_mode", ctypes.c_int, [_vp, ctypes.c_int, ctypes.c_uint]),
    ("ipcsh_ring_capacity", _sz, [_vp]),
    ("ipcsh_ring_reserve", _ssz, [_vp, ctypes.POINTER(_vp), _sz]),
    ("ipcsh_ring_commit", ctypes.c_int, [_vp, _sz]),
    ("ipcsh_ring_peek", _ssz, [_vp, ctypes.POINTER(_vp), _sz]),
    ("ipcsh_ring_release", ctypes.c_int, [_vp, _sz]),
    ("ipcsh_ring_write", _ssz, [_vp, ctypes.c_char_p, _sz]),
    ("ipcsh_ring_read", _ssz, [_vp, ctypes.c_void_p, _sz]),
    ("ipcsh_ring_close", ctypes.c_int, [_vp]),
]:
    _f = getattr(_lib, _name)
    _f.restype, _f.argtypes = _res, _args


def _check(rc):
    if rc < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return rc


def _view(addr, n, writable):
    if n == 0:
        return memoryview(b"")
    buf = (ctypes.c_char * n).from_address(addr)
    v = memoryview(buf).cast("B")
    return v if writable else v.toreadonly()


class Ring:
    """One end of a ring: the producer's (stdout) or the consumer's (stdin)."""

    def __init__(self, handle):
        self._h = handle

    def _handle(self):
        if not self._h:
            raise ValueError("ipcsh_ring: the ring is closed")
        return self._h

    @property
    def capacity(self):
        """The ring's size in bytes."""
        return _lib.ipcsh_ring_capacity(self._handle())

    def set_mode(self, mode, spin_us=0):
        """BLOCK (default), NONBLOCK, or SPIN (busy-wait up to spin_us)."""
        _check(_lib.ipcsh_ring_set_mode(self._handle(), mode, spin_us))

    def reserve(self, min=1):
        """Producer: a writable memoryview of at least `min` free bytes."""
        p = _vp()
        n = _check(_lib.ipcsh_ring_reserve(self._handle(), ctypes.byref(p), min))
        return _view(p.value, n, True)

    def commit(self, n):
        """Producer: publish the first n bytes of the last reserve."""
        _check(_lib.ipcsh_ring_commit(self._handle(), n))

    def peek(self, min=1):
        """Consumer: a read-only memoryview of at least `min` readable bytes
        (fewer only at the end); empty at end of stream."""
        p = _vp()
        n = _check(_lib.ipcsh_ring_peek(self._handle(), ctypes.byref(p), min))
        return _view(p.value, n, False)

    def release(self, n):
        """Consumer: free the first n bytes of the last peek."""
        _check(_lib.ipcsh_ring_release(self._handle(), n))

    def write(self, data):
        """Producer: copy all of data in (bytes-like); returns its length."""
        data = bytes(data)
        return _check(_lib.ipcsh_ring_write(self._handle(), data, len(data)))

    def read(self, n=65536):
        """Consumer: up to n bytes (at least 1), b'' at end of stream."""
        buf = ctypes.create_string_buffer(n)
        k = _check(_lib.ipcsh_ring_read(self._handle(), buf, n))
        return buf.raw[:k]

    def close(self):
        """End this side: EOF for the consumer, EPIPE for the producer."""
        if self._h:
            h, self._h = self._h, None
            _check(_lib.ipcsh_ring_close(h))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_std = {}


def _std_ring(which, fn):
    if which not in _std:
        h = fn()
        _std[which] = Ring(h) if h else None
    return _std[which]


def stdin():
    """The ring behind fd 0 when ipcsh handed one over, else None."""
    return _std_ring(0, _lib.ipcsh_ring_stdin)


def stdout():
    """The ring behind fd 1 when ipcsh handed one over, else None."""
    return _std_ring(1, _lib.ipcsh_ring_stdout)
