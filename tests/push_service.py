"""A push service on localhost, for the tests: a real HTTP server that takes pushes as Firefox's
or Chrome's push service would, checks the VAPID claims, decrypts what a device would, and
answers with the status a test asks for."""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's subscription: a real P-256 key pair and auth secret, as PushManager makes."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def as_json(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": b64(self.auth)}}


@dataclass
class Received:
    path: str
    headers: dict
    claims: dict
    shown: dict  # the decrypted payload: what the lock screen would show


class PushService:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[tuple[int, dict]]] = {}  # path: statuses to answer, in turn
        self.hits: list[str] = []  # every path posted to, accepted or not
        self.errors: list[str] = []  # pushes that failed the checks above
        self.devices: dict[str, Device] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def device(self) -> Device:
        device = Device(f"{self.base}/push/{b64(os.urandom(12))}")
        self.devices["/" + device.endpoint.split("/", 3)[3]] = device
        return device

    def answer(self, device: Device, *statuses: int, headers: dict | None = None) -> None:
        path = "/" + device.endpoint.split("/", 3)[3]
        self.answers.setdefault(path, []).extend((s, headers or {}) for s in statuses)

    def to(self, device: Device) -> list[Received]:
        return [r for r in self.received if device.endpoint.endswith(r.path)]

    def _check(self, path: str, headers, body: bytes) -> Received:
        scheme, _, token_and_key = headers["Authorization"].partition(" ")
        assert scheme == "vapid"
        parts = dict(item.split("=", 1) for item in token_and_key.split(","))
        header_b64, claims_b64, signature_b64 = parts["t"].split(".")
        assert json.loads(unb64(header_b64)) == {"typ": "JWT", "alg": "ES256"}
        signature = unb64(signature_b64)
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        server_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(parts["k"]))
        server_key.verify(
            encode_dss_signature(r, s),
            f"{header_b64}.{claims_b64}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
        claims = json.loads(unb64(claims_b64))
        assert claims["aud"] == self.base
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert claims["sub"].startswith(("mailto:", "https://"))
        assert headers["Content-Encoding"] == "aes128gcm"
        assert int(headers["TTL"]) > 0
        device = self.devices[path]
        plain = http_ece.decrypt(
            body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
        )
        return Received(path, {k.lower(): v for k, v in headers.items()}, claims, json.loads(plain))

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 -- the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.hits.append(self.path)
                planned = service.answers.get(self.path) or [(201, {})]
                status, headers = planned.pop(0) if service.answers.get(self.path) else planned[0]
                if status == 201:
                    try:
                        service.received.append(service._check(self.path, self.headers, body))
                    except Exception as error:  # a test asserts there were none
                        service.errors.append(repr(error))
                        status = 400
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        return Handler
