"""Accounts and hostile input: password rules, sign-in throttling, token scope, expiry and
revocation, query-code guessing, submission limits and the security headers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.accounts.service import check_password, create_token
from jieyou.cli import app as cli
from jieyou.config import get_settings
from jieyou.db import utcnow
from jieyou.errors import Invalid
from tests.factories import HUATANG, WUSHAN, case_body, count_rows, make_staff, submit
from tests.web.helpers import PASSWORD, csrf_of, make_user

# --- passwords --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-1", "password_too_short"),
        ("onlyletters-here", "password_too_simple"),
        ("1234567890123", "password_too_simple"),
        ("huatang-2026-x", "password_contains_username"),
        ("password1234", "password_too_common"),
        ("x1" * 70, "password_too_long"),
    ],
)
def test_password_rules_name_what_is_wrong(password, code):
    with pytest.raises(Invalid) as refused:
        check_password(password, username="huatang")
    assert refused.value.code == code
    assert refused.value.extra["field"] == "password"


def test_a_good_password_passes():
    check_password("correct-horse-7", username="huatang")


# --- signing in -------------------------------------------------------------------------


def try_login(client, username: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token},
        follow_redirects=False,
    )


def test_an_account_is_locked_after_five_wrong_passwords(client, db):
    make_user(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    for _ in range(5):
        assert try_login(client, "huatang", "wrong-password-1").status_code == 401
    # Now even the right password is refused, with a message saying when to try again.
    locked = try_login(client, "huatang", PASSWORD)
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.text and "15 分钟" in locked.text
    assert "jy_session" not in client.cookies
    # Fifteen minutes later the account signs in, and its count starts again.
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        assert try_login(client, "huatang", PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_is_throttled(client, db):
    for n in range(4):
        make_user(db, f"user{n}", Role.township, HUATANG, f"C{HUATANG}")
    for attempt in range(20):
        assert try_login(client, f"user{attempt % 4}", "wrong-password-1").status_code == 401
    r = try_login(client, "user0", PASSWORD)
    assert r.status_code == 429 and "登录失败次数过多" in r.text


def test_a_successful_sign_in_clears_the_accounts_failures(client, db):
    make_user(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    for _ in range(4):
        try_login(client, "huatang", "wrong-password-1")
    assert try_login(client, "huatang", PASSWORD).status_code == 303
    client.cookies.clear()
    for _ in range(4):
        assert try_login(client, "huatang", "wrong-password-1").status_code == 401
    assert try_login(client, "huatang", PASSWORD).status_code == 303


# --- tokens -----------------------------------------------------------------------------


def token_for(db, username: str, **kw) -> dict[str, str]:
    with db.unit_of_work() as s:
        _, token = create_token(s, username=username, **kw)
    return {"Authorization": f"Bearer {token}"}


def test_read_tokens_only_read_and_submit_tokens_only_submit(client, db):
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    number = submit(client)["number"]
    read = token_for(db, "huatang", scope="read")
    partner = token_for(db, "huatang", scope="submit")

    assert client.get("/api/v1/cases", headers=read).status_code == 200
    r = client.post(f"/api/v1/cases/{number}/actions/accept", json={}, headers=read)
    assert r.status_code == 403 and r.json()["error"]["code"] == "token_read_only"

    r = client.post("/api/v1/cases", json=case_body(channel="phone"), headers=partner)
    assert r.status_code == 201
    r = client.get("/api/v1/cases", headers=partner)
    assert r.status_code == 403 and r.json()["error"]["code"] == "token_submit_only"


def test_tokens_expire_and_can_be_revoked_from_the_cli(client, db):
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    short = token_for(db, "huatang", days=1)
    assert client.get("/api/v1/cases", headers=short).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=False):
        assert client.get("/api/v1/cases", headers=short).status_code == 401

    listed = CliRunner().invoke(cli, ["tokens", "list", "huatang"])
    assert listed.exit_code == 0 and "huatang" in listed.output
    r = CliRunner().invoke(cli, ["tokens", "revoke", "--user", "huatang"])
    assert r.exit_code == 0, r.output
    assert client.get("/api/v1/cases", headers=short).status_code == 401
    assert CliRunner().invoke(cli, ["tokens", "revoke", "999999"]).exit_code == 1


def test_tokens_cannot_be_made_without_an_expiry_or_with_an_unknown_scope(db):
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    for kw in ({"days": 0}, {"days": 4000}, {"scope": "god"}):
        with db.unit_of_work() as s, pytest.raises(Invalid):
            create_token(s, username="huatang", **kw)


# --- the resident's side ----------------------------------------------------------------


def test_guessing_query_codes_is_stopped_per_case(client, db):
    created = submit(client)
    number = created["number"]
    for n in range(10):
        r = client.get(f"/api/v1/track/{number}", params={"code": f"ZZZZ{n:02d}"})
        assert r.status_code == 404
    r = client.get(f"/api/v1/track/{number}", params={"code": created["query_code"]})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    # The page says so too, in Chinese.
    page = client.get("/track", params={"number": number, "code": created["query_code"]})
    assert page.status_code == 429 and "查询码错误次数过多" in page.text


@pytest.fixture
def strict_submissions() -> Iterator[None]:
    limits = get_settings().limits
    before = (limits.submissions_per_phone, limits.submissions_per_address)
    limits.submissions_per_phone, limits.submissions_per_address = 3, 5
    yield
    limits.submissions_per_phone, limits.submissions_per_address = before


def test_one_phone_cannot_flood_submissions(client, db, strict_submissions):
    for _ in range(3):
        submit(client)
    before = count_rows(db, "cases")
    r = client.post("/api/v1/cases", json=case_body())
    assert r.status_code == 429
    assert "该手机号今天提交的诉求已达上限" in r.json()["error"]["message"]
    assert count_rows(db, "cases") == before
    # Another phone from the same address still gets through, up to the address's limit.
    submit(client, submitter={"name": "王五", "phone": "13800000001"})
    submit(client, submitter={"name": "王五", "phone": "13800000002"})
    r = client.post("/api/v1/cases", json=case_body(submitter={"phone": "13800000003"}))
    assert r.status_code == 429 and "提交过于频繁" in r.json()["error"]["message"]


def test_staff_submitting_for_residents_are_not_limited(client, db, strict_submissions):
    staff = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    for _ in range(5):
        r = client.post("/api/v1/cases", json=case_body(channel="walk_in"), headers=staff.headers)
        assert r.status_code == 201


# --- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/v1/cases/JY1", "/static/site.css", "/nowhere"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    directives = dict(
        (d.split()[0], d.split()[1:]) for d in headers["content-security-policy"].split("; ")
    )
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # plain http in tests
