"""Without Redis, every process on the host shares the counts: two real gunicorn servers (one
worker each, as two workers of one server would be) on the same instance folder, with the
default settings, are asked in turn."""

import os
import re
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.helpers import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _start(port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
               "forum:create_app()"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


def _wait(url: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode())
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture
def two_servers(app, tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_PATH=str(tmp_path / "instance"),
        MAIL_FOLDER=str(tmp_path / "mail"),
        SECRET_KEY="two-servers-test-key",
        RATELIMIT_ENABLED="1",
        PAGE_CACHE="0",
    )
    ports = [free_port(), free_port()]
    servers = [_start(port, env) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, server in zip(urls, servers, strict=True):
            _wait(f"{url}/guidelines", server)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_two_processes_share_one_count_without_redis(two_servers, tmp_path):
    login = f"nobody-{uuid.uuid4().hex[:8]}"
    browser = httpx.Client()  # one cookie jar: both servers sign its form token with one key
    form = browser.get(f"{two_servers[0]}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"login": login, "password": "not the password", "csrf_token": token}
    statuses = [
        browser.post(
            f"{two_servers[n % 2]}/login",
            data=data,
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(8)
    ]
    browser.close()
    # 5 a minute for one login, however the requests are spread over the processes.
    assert statuses == [400] * 5 + [429] * 3
    assert (tmp_path / "instance" / "rate-limits.sqlite").exists()
