"""The 人民调解 pages: the list in scope, starting from a case with suggested mediators,
recording sessions, the outcome and a follow-up through forms (CSRF checked), downloads, and
the roster."""

from __future__ import annotations

import re

from jieyou.accounts.models import Role
from tests.factories import HUATANG, RENYI, WUSHAN
from tests.mediation.helpers import agreement_body, post, session_body, start
from tests.web.helpers import csrf_of, login, make_user


def _ids(html: str) -> list[str]:
    return re.findall(r'href="/desk/mediation/(\d+)"', html)


def _signed_in(client, db, username: str, role: Role, region: str, unit: str | None = None):
    make_user(db, username, role, region, unit)
    login(client, username)


def test_starting_a_mediation_from_the_case(client, db, world):
    w = world
    _signed_in(client, db, "wushan_p", Role.village, WUSHAN, f"C{WUSHAN}")
    page = client.get(f"/desk/mediation/case/{w.number}")
    assert page.status_code == 200
    assert "何秀英" in page.text and "擅长邻里纠纷" in page.text
    token = csrf_of(page.text)
    r = client.post(
        f"/desk/mediation/case/{w.number}", data={"csrf": token, "facts": "邻里采光纠纷"}
    )
    assert r.status_code == 422 and 'id="mediators-err"' in r.text
    r = client.post(
        f"/desk/mediation/case/{w.number}",
        data={"csrf": "forged", "facts": "邻里采光纠纷", "mediators": str(w.mediator_id)},
    )
    assert r.status_code == 403
    r = client.post(
        f"/desk/mediation/case/{w.number}",
        data={"csrf": token, "facts": "邻里采光纠纷", "mediators": str(w.mediator_id)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    detail = r.headers["location"]
    page = client.get(detail)
    assert "已启动调解" in page.text and "李秀英" in page.text and "调解中" in page.text
    # The case link now leads to the mediation.
    r = client.get(f"/desk/mediation/case/{w.number}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == detail.split("?")[0]


def test_recording_through_the_forms(client, db, world):
    w = world
    mid = start(client, w.village, w.number, [w.mediator_id]).json()
    _signed_in(client, db, "wushan_p", Role.village, WUSHAN, f"C{WUSHAN}")
    index = client.get("/desk/mediation").text
    [mediation_id] = _ids(index)
    url = f"/desk/mediation/{mediation_id}"
    token = csrf_of(client.get(url).text)
    r = client.post(f"{url}/outcome", data={"csrf": token, **agreement_body()})
    assert r.status_code == 409 and "请先记录至少一次调解" in r.text
    bad = session_body(place="")
    r = client.post(f"{url}/sessions", data={"csrf": token, **{k: v for k, v in bad.items() if v}})
    assert r.status_code == 422 and 'id="place-err"' in r.text
    r = client.post(
        f"{url}/sessions", data={"csrf": token, **session_body()}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(f"{url}/outcome", data={"csrf": token, **agreement_body(performance_due="")})
    assert r.status_code == 422 and "请填写履行期限" in r.text
    r = client.post(
        f"{url}/outcome", data={"csrf": token, **agreement_body()}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(url).text
    assert "达成协议" in page and "下载调解协议书（Word）" in page and "履行回访" in page
    r = client.post(
        f"{url}/follow-ups",
        data={
            "csrf": token,
            "visited_on": "2026-11-27",
            "method": "visit",
            "result": "not",
            "note": "未拆除",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(url).text
    assert "未履行" in page and "2026-12-27" in page
    r = client.get(f"{url}/agreement.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert mid["number"] in client.get("/desk/mediation?tab=agreed").text


def test_supervisors_see_masked_parties_and_no_forms(client, db, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    post(client, w.village, w.number, "outcome", agreement_body())
    _signed_in(client, db, "huatang_p", Role.township, HUATANG, f"C{HUATANG}")
    [mediation_id] = _ids(client.get("/desk/mediation").text)
    page = client.get(f"/desk/mediation/{mediation_id}").text
    assert "李**" in page and "李秀英" not in page
    assert "个人信息已遮挡" in page
    assert 'action="/desk/mediation/' not in page
    assert client.get(f"/desk/mediation/{mediation_id}/agreement.pdf").status_code == 403


def test_out_of_scope_mediation_pages_are_not_found(client, db, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    _signed_in(client, db, "renyi_p", Role.township, RENYI, f"C{RENYI}")
    assert _ids(client.get("/desk/mediation").text) == []
    from sqlalchemy import select

    from jieyou.mediation.models import Mediation

    with db.unit_of_work(write=False) as s:
        mid = s.scalar(select(Mediation.id))
    there = client.get(f"/desk/mediation/{mid}")
    missing = client.get("/desk/mediation/999999")
    assert there.status_code == missing.status_code == 404
    assert client.get(f"/desk/mediation/case/{w.number}").status_code == 404


def test_the_roster_page_adds_and_filters(client, db, world):
    _signed_in(client, db, "huatang_p", Role.township, HUATANG, f"C{HUATANG}")
    page = client.get("/desk/mediators")
    assert "何秀英" in page.text and "添加调解员" in page.text
    token = csrf_of(page.text)
    r = client.post(
        "/desk/mediators",
        data={
            "csrf": token,
            "name": "罗建华",
            "organisation": "华塘镇人民调解委员会",
            "region_code": HUATANG,
        },
    )
    assert r.status_code == 422 and 'id="specialities-err"' in r.text
    r = client.post(
        "/desk/mediators",
        data={
            "csrf": token,
            "name": "罗建华",
            "organisation": "华塘镇人民调解委员会",
            "region_code": HUATANG,
            "specialities": ["land_forest", "neighbour"],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get("/desk/mediators?speciality=land_forest").text
    assert "罗建华" in page and "何秀英" not in page
    assert "土地山林" in page


def test_the_list_is_mobile_friendly_and_in_chinese(client, db, world):
    _signed_in(client, db, "huatang_p", Role.township, HUATANG, f"C{HUATANG}")
    page = client.get("/desk/mediation").text
    assert 'name="viewport"' in page and 'lang="zh-CN"' in page
    assert "到期待回访" in page and "调解成功率" in page


def test_completing_the_parties_for_the_agreement(client, db, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    _signed_in(client, db, "wushan_p", Role.village, WUSHAN, f"C{WUSHAN}")
    [mediation_id] = _ids(client.get("/desk/mediation").text)
    url = f"/desk/mediation/{mediation_id}"
    page = client.get(url).text
    assert 'name="name_0" maxlength="60" value="李秀英"' in page
    token = csrf_of(page)
    rows = {
        "side_0": "applicant",
        "name_0": "李秀英",
        "gender_0": "female",
        "ethnicity_0": "汉族",
        "birth_date_0": "1975-03-02",
        "id_number_0": "43100219750302123",
        "side_1": "respondent",
        "name_1": "王建国",
        "phone_1": "13807359876",
        "side_2": "respondent",
        "name_2": "",
        "phone_2": "",
    }
    r = client.post(f"{url}/parties", data={"csrf": token, **rows})
    assert r.status_code == 422 and "身份证号码应为 18 位" in r.text
    assert 'value="43100219750302123"' in r.text  # kept as typed
    rows["id_number_0"] = "431002197503021234"
    rows |= {"side_2": "respondent", "name_2": "王小明", "representative_2": "王律师"}
    r = client.post(f"{url}/parties", data={"csrf": token, **rows}, follow_redirects=False)
    assert r.status_code == 303
    m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.village.headers).json()
    assert [(p["name"], p["id_number"]) for p in m["parties"]] == [
        ("李秀英", "431002197503021234"),
        ("王建国", None),
        ("王小明", None),
    ]
    assert m["parties"][0]["birth_date"] == "1975-03-02"
    assert m["parties"][2]["representative"] == "王律师"
