"""Posting a push message to a push service, and the VAPID keys that sign it.

A push subscription's endpoint is an address a browser gave us, so the server posts only where
it should: to the push services on an allow-list, over HTTPS, never following a redirect, and
to an address checked when it is sent (a name that resolves to a private or loopback address is
refused, and the connection goes to the address that was checked, not to a second lookup).
A host listed in PUSH_ALLOWED_HOSTS as an IP address (127.0.0.1, for the tests' push service)
is taken as it is, over plain HTTP too.
"""

import base64
import ipaddress
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

MAX_ENDPOINT = 2000


class NotAllowedEndpoint(Exception):
    """An endpoint the server will not post to; the message says why (for the log)."""


@dataclass
class Answer:
    """What a push service said: the status, and how long it asked us to wait, if it did."""

    status_code: int
    retry_after: int | None = None
    text: str = ""
    headers: dict = field(default_factory=dict)


def _listed(host: str, allowed: tuple[str, ...]) -> bool:
    for entry in allowed:
        entry = entry.strip().lower()
        if entry.startswith("*.") and host.endswith(entry[1:]) and host != entry[2:]:
            return True
        if host == entry:
            return True
    return False


def _literal_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_endpoint(endpoint: str, allowed: tuple[str, ...]) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an endpoint on the allow-list; NotAllowedEndpoint if not."""
    if not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise NotAllowedEndpoint("empty or too long")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise NotAllowedEndpoint("not an address") from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or not _listed(host, allowed):
        raise NotAllowedEndpoint(f"host {host!r} is not a push service")
    listed_address = _literal_address(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and listed_address):
        raise NotAllowedEndpoint("not https")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def _resolve(host: str, port: int) -> str:
    """The address to connect to, checked: public, unless the host is a listed IP address."""
    if _literal_address(host):
        return host  # listed as an address on purpose (check_endpoint allowed it)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise ConnectionError(f"cannot resolve {host}") from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    if not addresses or not all(a.is_global and not a.is_multicast for a in addresses):
        raise NotAllowedEndpoint(f"{host} resolves to a private address")
    return str(addresses[0])


def post(endpoint: str, body: bytes, headers: dict, allowed: tuple[str, ...], timeout: float):
    """POST to the endpoint under the rules above; connection failures raise ConnectionError."""
    scheme, host, port, path = check_endpoint(endpoint, allowed)
    address = _resolve(host, port)
    default_port = port == (443 if scheme == "https" else 80)
    headers = {**headers, "Host": host if default_port else f"{host}:{port}"}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED"
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port)
    try:
        response = pool.urlopen(
            "POST", path, body=body, headers=headers, redirect=False, retries=False,
            timeout=urllib3.Timeout(total=timeout), assert_same_host=False,
        )  # fmt: skip
    except urllib3.exceptions.HTTPError as error:
        raise ConnectionError(str(error)) from error
    finally:
        pool.close()
    wait = response.headers.get("Retry-After", "")
    return Answer(
        response.status,
        int(wait) if wait.isdigit() else None,
        response.data[:500].decode("utf-8", "replace"),
        dict(response.headers),
    )


class _Carrier:
    """What pywebpush posts through: our guarded post() instead of requests."""

    def __init__(self, allowed: tuple[str, ...], timeout: float) -> None:
        self.allowed, self.timeout = allowed, timeout
        self.answer: Answer | None = None

    def post(self, endpoint: str, data: bytes, headers: dict, timeout=None) -> Answer:
        self.answer = post(endpoint, data, dict(headers), self.allowed, self.timeout)
        return self.answer


def send(
    subscription: dict, data: bytes, headers: dict, vapid: dict, allowed: tuple[str, ...],
    ttl: int, timeout: float = 10,
) -> Answer:  # fmt: skip
    """Encrypt `data` for the subscription (aes128gcm), sign the VAPID claims, and post it."""
    check_endpoint(subscription["endpoint"], allowed)
    parts = urlsplit(subscription["endpoint"])
    claims = {
        "sub": vapid["subject"],
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 60 * 60,
    }
    from pywebpush import WebPusher  # loaded by the worker when it first sends, not by every page

    signer = Vapid02.from_pem(vapid["private_key"].encode())
    carrier = _Carrier(allowed, timeout)
    all_headers = {**headers, **signer.sign(claims)}
    WebPusher(subscription, requests_session=carrier).send(
        data, all_headers, ttl=ttl, content_encoding="aes128gcm", timeout=timeout
    )
    assert carrier.answer is not None  # noqa: S101 -- send() always posts
    return carrier.answer


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def application_server_key(private_key_pem: str) -> str:
    """The public half, as a browser's PushManager.subscribe() takes it (base64url, raw point)."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return _b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def read_private_key(value: str) -> str:
    """VAPID_PRIVATE_KEY as PEM, whether it was given as PEM or as base64url (raw or DER)."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return value + "\n"
    signer = Vapid02.from_string(value)
    return signer.private_pem().decode()


def instance_vapid_key(instance_path: str) -> str:
    """The VAPID private key kept in the instance folder, made on first use (as the secret key
    is): one process creates the file, readable by its owner only; others wait for it whole."""
    path = Path(instance_path) / "vapid_private_key.pem"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):
            pem = path.read_text()
            if pem.rstrip().endswith("-----END PRIVATE KEY-----"):
                return pem
            time.sleep(0.01)
        raise RuntimeError(
            f"{path} does not hold a whole key; delete it to make a new one"
        ) from None
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with os.fdopen(descriptor, "w") as file:
        file.write(pem)
    return pem
