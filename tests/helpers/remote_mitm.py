#!/usr/bin/env python3
"""remote_mitm.py PORT MODE K -- a man in the middle for tests/remote.bats.

Listens on 127.0.0.1 (a free port, printed on stdout), forwards each
connection to 127.0.0.1:PORT, and tampers with record K (1-based: records
are a 4-byte big-endian length and a body) of the client-to-server stream:
  flip    flip one bit in the middle of its body
  replay  send it twice
  drop    leave it out
Runs until killed."""
import socket
import struct
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (dst, src):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tamper(src, dst, mode, k):
    try:
        n = 0
        while True:
            hdr = read_exact(src, 4)
            if hdr is None:
                break
            body = read_exact(src, struct.unpack(">I", hdr)[0])
            if body is None:
                break
            n += 1
            if n == k and mode == "flip":
                i = len(body) // 2
                body = body[:i] + bytes([body[i] ^ 0x04]) + body[i + 1:]
            if n == k and mode == "drop":
                continue
            dst.sendall(hdr + body)
            if n == k and mode == "replay":
                dst.sendall(hdr + body)
    except OSError:
        pass
    pump(src, dst)


def main():
    port, mode, k = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    print(lsock.getsockname()[1], flush=True)
    while True:
        client, _ = lsock.accept()
        server = socket.create_connection(("127.0.0.1", port))
        threading.Thread(target=tamper, args=(client, server, mode, k), daemon=True).start()
        threading.Thread(target=pump, args=(server, client), daemon=True).start()


if __name__ == "__main__":
    main()
