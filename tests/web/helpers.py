"""Helpers for page tests: users with passwords, the CSRF token of a page, photos."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_user
from jieyou.db import Database

PASSWORD = "correct-horse-7"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def make_user(db: Database, username: str, role: Role, region: str, unit: str | None = None) -> str:
    with db.unit_of_work() as s:
        create_user(
            s,
            username=username,
            role=role,
            region_code=region,
            unit_code=unit,
            display_name=f"{username}的名字",
            password=PASSWORD,
        )
    return username


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf field on the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "jy_session" in client.cookies


def jpeg_bytes(*, exif: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x8825] = {1: "N", 2: (28.0, 1.0, 0.0)}  # GPS
        img.save(out, format="JPEG", exif=info)
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()
