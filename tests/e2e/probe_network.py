"""A second location for the probe tests: a network namespace of the test's own, joined to this host by a
veth pair with addresses from 10.213.0.0/16 that only the test creates (a /30 per run). Inside it,
127.0.0.1 is the namespace's own loopback, so a target on this host's 127.0.0.1 is unreachable from a
probe there while the platform's local checker reaches it: "down from probe-b, up from local".

The platform listens on 127.0.0.1 only; a small TCP forwarder on the host's veth address lets the probe in
the namespace reach it. Where namespaces are not permitted (no root, no ``ip``), ``namespace()`` gives
None and the tests fall back to ``PeerAwareTarget``: both probes on loopback and a target that refuses the
connections of one probe process, which it recognises by the source port of each connection (through
``/proc/net/tcp`` and the probe's open sockets).
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Namespace:
    name: str
    host_ip: str
    inside_ip: str

    def run(self, argv: list[str], **kwargs) -> subprocess.Popen:
        return subprocess.Popen(["ip", "netns", "exec", self.name, *map(str, argv)], **kwargs)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


def namespace() -> tuple[Namespace | None, str]:
    """A fresh namespace and veth pair, or None with the reason namespaces cannot be used here."""
    if os.environ.get("PROBE_TESTS_NO_NETNS"):
        return None, "PROBE_TESTS_NO_NETNS is set"
    tag = f"{os.getpid() % 100000}{random.randint(0, 99)}"
    name, host_if, inside_if = f"msp-probe-{tag}", f"mspv{tag}h", f"mspv{tag}n"
    third = random.randint(1, 254)
    fourth = random.randrange(0, 252, 4)
    host_ip, inside_ip = f"10.213.{third}.{fourth + 1}", f"10.213.{third}.{fourth + 2}"
    try:
        _ip("netns", "add", name)
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, f"network namespaces are not permitted here ({exc})"
    try:
        _ip("link", "add", host_if, "type", "veth", "peer", "name", inside_if)
        _ip("link", "set", inside_if, "netns", name)
        _ip("addr", "add", f"{host_ip}/30", "dev", host_if)
        _ip("link", "set", host_if, "up")
        _ip("-n", name, "addr", "add", f"{inside_ip}/30", "dev", inside_if)
        _ip("-n", name, "link", "set", inside_if, "up")
        _ip("-n", name, "link", "set", "lo", "up")
    except (OSError, subprocess.CalledProcessError) as exc:
        namespace_delete(Namespace(name, host_ip, inside_ip))
        return None, f"the veth pair could not be made ({exc})"
    return Namespace(name, host_ip, inside_ip), ""


def namespace_delete(space: Namespace) -> None:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        _ip("netns", "delete", space.name)  # takes the veth pair with it


class Forwarder:
    """host_ip:<port> -> 127.0.0.1:<target_port>, one thread pair per connection."""

    def __init__(self, host_ip: str, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server((host_ip, 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


def _socket_inode(local_port: int) -> str | None:
    """The inode of the TCP socket bound to 127.0.0.1:<local_port> (the peer of an accepted connection)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                    return fields[9]
    return None


def _owned_by(pid: int, inode: str) -> bool:
    wanted = f"socket:[{inode}]"
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == wanted:
                    return True
    return False


class PeerAwareTarget:
    """An HTTP target on 127.0.0.1 that answers 503 to the processes in ``refused`` (by the source port of
    each connection) and 200 to anyone else."""

    def __init__(self):
        self.refused: set[int] = set()
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                inode = _socket_inode(self.client_address[1])
                blocked = inode is not None and any(_owned_by(pid, inode) for pid in target.refused)
                self.send_response(503 if blocked else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"no" if blocked else b"ok")

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
