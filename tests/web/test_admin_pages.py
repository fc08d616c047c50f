"""Administration pages: users, units and categories, for admins only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.app import create_app
from jieyou.config import Settings
from jieyou.db import Database
from jieyou.errors import Invalid
from jieyou.routing.service import require_category, require_unit
from tests.factories import CITY, HUATANG, WUSHAN, act, make_staff, submit
from tests.web.helpers import PASSWORD, csrf_of, login, make_user

ADMIN_PAGES = [
    "/desk/admin",
    "/desk/admin/users",
    "/desk/admin/users/new",
    "/desk/admin/users/root",
    "/desk/admin/units",
    "/desk/admin/units/new",
    f"/desk/admin/units/C{WUSHAN}",
    "/desk/admin/categories",
    "/desk/admin/categories/new",
    "/desk/admin/categories/0802",
]


def as_admin(client: TestClient, db: Database) -> str:
    """Sign in as an admin; returns the CSRF token of the session."""
    make_user(db, "root", Role.admin, CITY)
    login(client, "root")
    return csrf_of(client.get("/desk/admin/users").text)


def test_other_roles_get_the_missing_page_on_every_admin_page(
    client: TestClient, db: Database
) -> None:
    make_user(db, "root", Role.admin, CITY)
    make_user(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    login(client, "huatang")
    desk = client.get("/desk")
    assert "系统管理" not in desk.text
    missing = client.get("/desk/no-such-page")
    for url in ADMIN_PAGES:
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 404, url
        assert r.text == missing.text, url
    token = csrf_of(desk.text)
    for url in ["/desk/admin/users", "/desk/admin/users/root/disable", "/desk/admin/units"]:
        assert client.post(url, data={"csrf": token}).status_code == 404, url
    with db.unit_of_work(write=False) as s:
        from jieyou.accounts.service import get_user

        assert get_user(s, "root").is_active


def test_signed_out_visitors_go_to_login(client: TestClient, db: Database) -> None:
    r = client.get("/desk/admin/users", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_admin_sees_the_link_and_the_lists(client: TestClient, db: Database) -> None:
    as_admin(client, db)
    desk = client.get("/desk")
    assert 'href="/desk/admin/users"' in desk.text
    users = client.get("/desk/admin/users", params={"role": "admin", "q": "roo"})
    assert users.status_code == 200 and 'href="/desk/admin/users/root"' in users.text
    assert "共 1 个用户" in users.text
    assert "共 0 个用户" in client.get("/desk/admin/users", params={"q": "nobody%"}).text
    units = client.get("/desk/admin/units", params={"kind": "committee", "region": HUATANG})
    assert units.status_code == 200 and f"C{WUSHAN}" in units.text
    assert f"C{HUATANG}<" not in units.text  # the township centre is not a committee
    bad = client.get("/desk/admin/units", params={"region": "999"})
    assert bad.status_code == 422 and 'id="region-err"' in bad.text
    cats = client.get("/desk/admin/categories")
    assert cats.status_code == 200 and 'href="/desk/admin/categories/0802"' in cats.text


def test_admin_creates_a_user_who_can_then_sign_in(
    client: TestClient, db: Database, settings: Settings
) -> None:
    token = as_admin(client, db)
    assert "用户名" in client.get("/desk/admin/users/new").text
    r = client.post(
        "/desk/admin/users",
        data={
            "csrf": token,
            "username": "lisi",
            "display_name": "李四",
            "role": "village",
            "region": WUSHAN,
            "unit": f"C{WUSHAN}",
            "password": "long-enough-1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/desk/admin/users/lisi?done=created"
    page = client.get(r.headers["location"])
    assert "已创建" in page.text and 'value="李四"' in page.text
    with TestClient(create_app(settings, database=db)) as other:
        login(other, "lisi", "long-enough-1")
        assert "李四" in other.get("/desk").text


def test_create_user_without_csrf_is_refused(client: TestClient, db: Database) -> None:
    as_admin(client, db)
    r = client.post(
        "/desk/admin/users",
        data={"username": "x1y", "role": "city", "region": CITY, "password": "long-enough-1"},
    )
    assert r.status_code == 403


def test_duplicate_username_is_refused_beside_the_field(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    make_user(db, "wushan", Role.village, WUSHAN, f"C{WUSHAN}")
    r = client.post(
        "/desk/admin/users",
        data={
            "csrf": token,
            "username": "wushan",
            "display_name": "王五",
            "role": "village",
            "region": WUSHAN,
            "unit": "",
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 422
    assert 'id="username-err"' in r.text and "用户名 wushan 已存在" in r.text
    assert 'value="wushan"' in r.text and 'value="王五"' in r.text
    assert f'value="{WUSHAN}"' in r.text and 'value="village" selected' in r.text


def test_short_password_and_bad_region_are_refused_beside_fields(
    client: TestClient, db: Database
) -> None:
    token = as_admin(client, db)
    data = {"csrf": token, "username": "zhao6", "role": "village", "region": WUSHAN}
    r = client.post("/desk/admin/users", data=data | {"password": "short"})
    assert r.status_code == 422 and 'id="password-err"' in r.text and "至少 10 位" in r.text
    r = client.post("/desk/admin/users", data=data | {"role": "city", "password": "long-enough"})
    assert r.status_code == 422 and 'id="region-err"' in r.text


def test_admin_edits_a_user_and_resets_the_password(
    client: TestClient, db: Database, settings: Settings
) -> None:
    token = as_admin(client, db)
    make_user(db, "wushan", Role.village, WUSHAN, f"C{WUSHAN}")
    r = client.post(
        "/desk/admin/users/wushan",
        data={"csrf": token, "display_name": "乡镇老王", "role": "township", "region": HUATANG},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get("/desk/admin/users/wushan")
    assert 'value="乡镇老王"' in page.text and 'value="township" selected' in page.text
    # A refused edit keeps what was typed.
    r = client.post(
        "/desk/admin/users/wushan",
        data={"csrf": token, "display_name": "新名字", "role": "township", "region": "1"},
    )
    assert r.status_code == 422 and 'id="region-err"' in r.text and 'value="新名字"' in r.text
    r = client.post("/desk/admin/users/wushan/password", data={"csrf": token, "password": "abc"})
    assert r.status_code == 422 and "至少 10 位" in r.text
    r = client.post(
        "/desk/admin/users/wushan/password",
        data={"csrf": token, "password": "brand-new-pass-42"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with TestClient(create_app(settings, database=db)) as other:
        login(other, "wushan", "brand-new-pass-42")


def test_disabling_a_user_ends_their_session_and_token(
    client: TestClient, db: Database, settings: Settings
) -> None:
    token = as_admin(client, db)
    make_user(db, "wushan", Role.village, WUSHAN, f"C{WUSHAN}")
    with db.unit_of_work() as s:
        from jieyou.accounts.service import create_token

        _, api_token = create_token(s, username="wushan")
    headers = {"Authorization": f"Bearer {api_token}"}
    with TestClient(create_app(settings, database=db)) as other:
        login(other, "wushan")
        assert other.get("/desk").status_code == 200
        assert client.get("/api/v1/cases", headers=headers).status_code == 200
        r = client.post(
            "/desk/admin/users/wushan/disable", data={"csrf": token}, follow_redirects=False
        )
        assert r.status_code == 303
        assert "已停用" in client.get("/desk/admin/users/wushan").text
        again = other.get("/desk", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].startswith("/login")
        assert other.get("/api/v1/cases", headers=headers).status_code == 401
        fresh = csrf_of(other.get("/login").text)
        r = other.post("/login", data={"username": "wushan", "password": PASSWORD, "csrf": fresh})
        assert r.status_code == 401 and "停用" in r.text
    with db.unit_of_work(write=False) as s:
        from sqlalchemy import func, select

        from jieyou.accounts.models import User, UserSession

        open_sessions = s.scalar(
            select(func.count())
            .select_from(UserSession)
            .join(User, User.id == UserSession.user_id)
            .where(User.username == "wushan", UserSession.revoked_at.is_(None))
        )
        assert open_sessions == 0
    # Enabled again, the account can sign in with its password.
    r = client.post("/desk/admin/users/wushan/enable", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    with TestClient(create_app(settings, database=db)) as other:
        login(other, "wushan")


def test_admin_cannot_disable_themselves(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    r = client.post("/desk/admin/users/root/disable", data={"csrf": token})
    assert r.status_code == 422 and "不能停用自己的账号" in r.text


def test_unit_create_edit_and_disable(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    data = {
        "csrf": token,
        "code": "X431002-hb",
        "name": "北湖区信访接待中心",
        "kind": "department",
        "region": "431002000000",
        "department": "xfj",
    }
    r = client.post("/desk/admin/units", data=data, follow_redirects=False)
    assert (
        r.status_code == 303
        and r.headers["location"] == "/desk/admin/units/X431002-hb?done=created"
    )
    # The same code again is refused beside the field, with what was typed kept.
    r = client.post("/desk/admin/units", data=data)
    assert r.status_code == 422 and 'id="code-err"' in r.text and "已存在" in r.text
    assert 'value="北湖区信访接待中心"' in r.text and 'value="xfj" selected' in r.text
    # A department needs a department key; a committee belongs to a village.
    r = client.post("/desk/admin/units", data=data | {"code": "X2", "department": ""})
    assert r.status_code == 422 and 'id="department-err"' in r.text
    r = client.post(
        "/desk/admin/units",
        data=data | {"code": "X3", "kind": "committee", "department": "", "region": HUATANG},
    )
    assert r.status_code == 422 and 'id="region-err"' in r.text
    r = client.post(
        "/desk/admin/units/X431002-hb",
        data={"csrf": token, "name": "北湖区人民来访接待中心"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "北湖区人民来访接待中心" in client.get("/desk/admin/units/X431002-hb").text
    r = client.post("/desk/admin/units/X431002-hb", data={"csrf": token, "name": " "})
    assert r.status_code == 422 and 'id="name-err"' in r.text
    with db.unit_of_work(write=False) as s:
        assert require_unit(s, "X431002-hb").name == "北湖区人民来访接待中心"
    # A disabled unit can no longer be assigned (nor receive new cases).
    admin = make_staff(db, "root_api", Role.admin, CITY)
    number = submit(client)["number"]
    assert act(client, admin, number, "accept", note="已受理").status_code == 200
    r = client.post(f"/desk/admin/units/C{WUSHAN}/disable", data={"csrf": token})
    assert r.status_code == 200 and "已停用" in r.text
    with db.unit_of_work(write=False) as s, pytest.raises(Invalid):
        require_unit(s, f"C{WUSHAN}")
    r = act(client, admin, number, "assign", unit_code=f"C{WUSHAN}")
    assert r.status_code == 422
    client.post(f"/desk/admin/units/C{WUSHAN}/enable", data={"csrf": token})
    assert act(client, admin, number, "assign", unit_code=f"C{WUSHAN}").status_code == 200


def test_category_create_edit_and_disable(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    base = {"csrf": token, "name": "新类别", "department": "", "default_tier": "township"}
    for bad in ["1", "123", "ab", "9901"]:
        r = client.post("/desk/admin/categories", data=base | {"code": bad})
        assert r.status_code == 422 and 'id="code-err"' in r.text, bad
        assert f'value="{bad}"' in r.text and 'value="新类别"' in r.text
    r = client.post("/desk/admin/categories", data=base | {"code": "08"})
    assert r.status_code == 422 and "已存在" in r.text
    r = client.post(
        "/desk/admin/categories",
        data=base | {"code": "99", "name": "其他事项", "department": "xfj"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        "/desk/admin/categories",
        data=base | {"code": "9901", "name": "其他求助"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    listing = client.get("/desk/admin/categories").text
    assert listing.index("其他事项") < listing.index("其他求助")
    r = client.post(
        "/desk/admin/categories/9901",
        data={"csrf": token, "name": "其他求助事项", "department": "mzj", "default_tier": "county"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with db.unit_of_work(write=False) as s:
        cat = require_category(s, "9901")
        assert (cat.name, cat.department, cat.default_tier, cat.level) == (
            "其他求助事项",
            "mzj",
            "county",
            2,
        )
    r = client.post(
        "/desk/admin/categories/9901",
        data={"csrf": token, "name": "x", "department": "nope", "default_tier": "county"},
    )
    assert r.status_code == 422 and 'id="department-err"' in r.text
    # Disabled, the category is refused at intake.
    assert submit(client, category_code="0802")["number"]
    r = client.post("/desk/admin/categories/0802/disable", data={"csrf": token})
    assert r.status_code == 200 and "已停用" in r.text
    with db.unit_of_work(write=False) as s, pytest.raises(Invalid):
        require_category(s, "0802")
    from tests.factories import case_body

    r = client.post("/api/v1/cases", json=case_body(category_code="0802"))
    assert r.status_code == 422
    # Disabling a first level disables its children; a child waits for its parent.
    client.post("/desk/admin/categories/99/disable", data={"csrf": token})
    with db.unit_of_work(write=False) as s, pytest.raises(Invalid):
        require_category(s, "9901")
    r = client.post("/desk/admin/categories/9901/enable", data={"csrf": token})
    assert r.status_code == 422 and "请先启用" in r.text
