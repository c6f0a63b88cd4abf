"""Real targets on 127.0.0.1 for monitor checks: an HTTP server with chosen answers, a TCP listener and a
small DNS server answering A and TXT queries."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dns.message
import dns.rrset


class HttpTarget:
    """GET /status/<code>, /text/<words>, /json (a fixed document), /slow/<seconds>[/<code>], /redirect,
    /big/<bytes>.
    ``in_flight`` counts requests being answered (a slow one holds its count while it sleeps), ``served``
    every request received."""

    def __init__(self, port: int = 0):
        target = self
        self.in_flight = 0
        self.served = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with target.lock:
                    target.in_flight += 1
                    target.served += 1
                try:
                    self.answer()
                finally:
                    with target.lock:
                        target.in_flight -= 1

            def answer(self):
                parts = self.path.strip("/").split("/")
                status, body, headers = 200, b"hello world", {"Content-Type": "text/plain"}
                if parts[0] == "status":
                    status = int(parts[1])
                elif parts[0] == "text":
                    body = parts[1].replace("+", " ").encode()
                elif parts[0] == "json":
                    body = json.dumps(
                        {"data": {"items": [{"state": "ok", "count": 3}], "secret": "SECRET-TOKEN-1234"}}
                    ).encode()
                    headers = {"Content-Type": "application/json"}
                elif parts[0] == "slow":
                    time.sleep(float(parts[1]))
                    status = int(parts[2]) if len(parts) > 2 else 200
                elif parts[0] == "redirect":
                    status, headers = 302, {"Location": "/status/200"}
                elif parts[0] == "big":  # /big/<bytes>: sent in 4 kB writes, so it arrives in pieces
                    size = int(parts[1])
                    self.send_response(200)
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    for start in range(0, size, 4096):
                        self.wfile.write(b"x" * min(4096, size - start))
                        self.wfile.flush()
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class DnsTarget:
    """Answers ``<anything>`` with A 10.1.2.3 and TXT "hello", over UDP on 127.0.0.1."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.running = True

    def serve(self):
        self.sock.settimeout(0.2)
        while self.running:
            try:
                wire, address = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            text = {1: "10.1.2.3", 16: '"hello"'}.get(question.rdtype)
            if text:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", question.rdtype, text))
            self.sock.sendto(response.to_wire(), address)

    def __enter__(self):
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.sock.close()


def self_signed_certificate(directory, days: int = 30) -> tuple[str, str]:
    """A certificate for 127.0.0.1 valid for ``days``, written as PEM files; returns (cert, key) paths."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = f"{directory}/cert.pem", f"{directory}/key.pem"
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return cert_path, key_path
