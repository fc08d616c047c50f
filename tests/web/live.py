"""The real server and Debian's chromium, shared by every browser test: a fresh SQLite
database made by ``jieyou init``, uvicorn in its own process on a socket bound here, and one
headless chromium per module. Never a downloaded browser; the tests skip where chromium is
missing. With JIEYOU_SCREENSHOTS=1 screenshots go to docs/screenshots/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


def init_database(tmp: Path) -> str:
    """A new SQLite database in ``tmp`` with the schema and reference data; its URL."""
    url = f"sqlite:///{tmp / 'jieyou.db'}"
    jieyou = Path(sys.executable).parent / "jieyou"
    subprocess.run([str(jieyou), "--database", url, "init"], check=True, capture_output=True)  # noqa: S603 - our own command
    return url


@contextmanager
def live_server(url: str, tmp: Path) -> Iterator[str]:
    """``create_app`` under uvicorn against ``url``; yields the base URL. The socket is bound
    here and handed over (--fd), so no other process can take the port in between."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    env = {
        **os.environ,
        "JIEYOU_DATABASE_URL": url,
        "JIEYOU_STORAGE__UPLOAD_DIR": str(tmp / "uploads"),
        "PYTHONPATH": str(ROOT),
    }
    serve = [sys.executable, "-m", "uvicorn", "jieyou.app:create_app", "--factory"]
    serve += ["--fd", str(sock.fileno()), "--log-level", "warning"]
    proc = subprocess.Popen(serve, env=env, cwd=tmp, pass_fds=(sock.fileno(),))  # noqa: S603 - our own server
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310 - loopback
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sock.close()


@contextmanager
def chromium(playwright_api: Any) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def shots_dir(tmp_path: Path) -> Path:
    """docs/screenshots/ with JIEYOU_SCREENSHOTS=1, else the test's own temporary folder."""
    if os.environ.get("JIEYOU_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path
