#!/usr/bin/python3
"""Test servers and clients for tests/integration/45-net-user.sh.

Traffic only to loopback and to addresses of namespaces the test made.

  net-probe.py serve SPEC... -- CMD...   serve, run CMD, print its output, exit with its status
  net-probe.py tcp ADDR PORT             "ok" when an echo comes back, else "unreachable"
  net-probe.py udp ADDR PORT             the same over UDP
  net-probe.py abstract NAME             connect to the abstract Unix socket NAME
  net-probe.py gateway                   the default IPv4 gateway (from /proc/net/route)
  net-probe.py listen READY PORT...      TCP echo servers on 0.0.0.0:PORT; touch READY, then wait

SPEC: tcp:ADDR:PORT, udp:ADDR:PORT or abstract:NAME (echo servers).
"""
import os
import socket
import struct
import subprocess
import sys
import threading

TIMEOUT = 3.0


def tcp_echo(sock):
    while True:
        conn, _ = sock.accept()
        try:
            conn.settimeout(TIMEOUT)
            data = conn.recv(100)
            conn.sendall(data)
        except OSError:
            pass
        finally:
            conn.close()


def udp_echo(sock):
    while True:
        data, peer = sock.recvfrom(100)
        sock.sendto(data, peer)


def serve(spec):
    kind, _, rest = spec.partition(":")
    if kind == "abstract":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind("\0" + rest)
        sock.listen(16)
        target = tcp_echo
    else:
        addr, _, port = rest.rpartition(":")
        stype = socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM
        sock = socket.socket(socket.AF_INET, stype)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((addr, int(port)))
        if kind == "tcp":
            sock.listen(16)
        target = tcp_echo if kind == "tcp" else udp_echo
    threading.Thread(target=target, args=(sock,), daemon=True).start()


def probe_stream(family, address):
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(TIMEOUT)
            s.connect(address)
            s.sendall(b"ping")
            return "ok" if s.recv(100) == b"ping" else "wrong-answer"
    except OSError:
        return "unreachable"


def probe_udp(addr, port):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT)
            s.sendto(b"ping", (addr, port))
            return "ok" if s.recv(100) == b"ping" else "wrong-answer"
    except OSError:
        return "unreachable"


def gateway():
    with open("/proc/net/route") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == "00000000":
                return socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
    return "none"


def main(argv):
    cmd = argv[1]
    if cmd == "serve":
        split = argv.index("--")
        for spec in argv[2:split]:
            serve(spec)
        result = subprocess.run(argv[split + 1:], stdout=subprocess.PIPE)
        sys.stdout.write(result.stdout.decode())
        return result.returncode
    if cmd == "tcp":
        print(probe_stream(socket.AF_INET, (argv[2], int(argv[3]))))
    elif cmd == "udp":
        print(probe_udp(argv[2], int(argv[3])))
    elif cmd == "abstract":
        print(probe_stream(socket.AF_UNIX, "\0" + argv[2]))
    elif cmd == "gateway":
        print(gateway())
    elif cmd == "listen":
        for port in argv[3:]:
            serve("tcp:0.0.0.0:" + port)
        open(argv[2], "w").close()
        threading.Event().wait()
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
