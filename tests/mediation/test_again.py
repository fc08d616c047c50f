"""重新调解: a case whose mediation failed or was withdrawn may be mediated again; never while
one is open, nor after an agreement. The case's routes act on its latest mediation; the list
route shows them all, in scope only, without personal data; the pages link earlier attempts."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

from sqlalchemy import select

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_user
from jieyou.cases.intake import submit_case
from jieyou.cases.models import CaseEvent
from jieyou.cases.schemas import ActionIn, CaseCreate
from jieyou.cases.service import act_on_case
from jieyou.cases.states import Action
from jieyou.errors import Conflict
from jieyou.mediation.models import Mediation
from jieyou.mediation.repository import success_counts
from jieyou.mediation.schemas import MediationStart, MediatorCreate, OutcomeIn
from jieyou.mediation.service import conclude, create_mediator, start_mediation
from tests.factories import CITY, HUATANG, RENYI, WUSHAN, case_body
from tests.mediation.helpers import agreement_body, mediator_body, post, session_body, start
from tests.web.helpers import csrf_of, login, make_user

MISSING = "JY20990101999999"
FAILED = {"result": "failed", "failure_reason": "赔偿数额分歧大", "guidance": "litigation"}
PARTY = {
    "side": "applicant",
    "name": "李秀英",
    "phone": "13907351234",
    "id_number": "431002197503021234",
    "address": "吴山村3组12号",
}
RESPONDENT = {"side": "respondent", "name": "王建国", "phone": "13807359876"}


def _fail(client, w) -> dict:
    r = start(client, w.village, w.number, [w.mediator_id], parties=[PARTY, RESPONDENT])
    assert r.status_code == 201, r.text
    assert post(client, w.village, w.number, "sessions", session_body(agreed=None)).is_success
    r = post(client, w.village, w.number, "outcome", FAILED)
    assert r.status_code == 200, r.text
    return r.json()


def _listed(client, staff, number: str) -> list[dict]:
    r = client.get(f"/api/v1/cases/{number}/mediations", headers=staff.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_failed_mediation_may_be_followed_by_one_that_agrees(client, db, world):
    w = world
    first = _fail(client, w)
    r = start(client, w.village, w.number, [w.mediator_id], committee="华塘镇人民调解委员会")
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["number"] != first["number"] and second["status"] == "open"
    # The case's routes now act on the new mediation.
    assert post(client, w.village, w.number, "sessions", session_body()).status_code == 201
    r = post(client, w.village, w.number, "outcome", agreement_body())
    assert r.status_code == 200, r.text
    assert r.json()["number"] == second["number"] and r.json()["status"] == "agreed"
    got = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.village.headers).json()
    assert got["number"] == second["number"]
    r = client.get(f"/api/v1/cases/{w.number}/mediation/agreement.docx", headers=w.village.headers)
    assert r.status_code == 200 and r.content[:2] == b"PK"

    listed = _listed(client, w.village, w.number)
    assert [m["number"] for m in listed] == [first["number"], second["number"]]
    assert [m["status"] for m in listed] == ["failed", "agreed"]
    assert [m["is_latest"] for m in listed] == [False, True]
    assert listed[0]["outcome"] == "调解不成，已告知当事人可向人民法院提起诉讼"
    assert listed[0]["concluded_at"] and listed[1]["signed_on"] == "2026-11-20"
    assert listed[1]["committee"] == "华塘镇人民调解委员会"

    with db.unit_of_work(write=False) as s:
        notes = list(s.scalars(select(CaseEvent.note).where(CaseEvent.action == "comment")))
        # Each concluded mediation counts once: two concluded, one agreed.
        counts = success_counts(
            s,
            path="4310",
            since=datetime(2026, 1, 1, tzinfo=UTC),
            until=datetime(2027, 1, 1, tzinfo=UTC),
        )
    assert any(n and n.startswith("重新启动人民调解（第 2 次）") for n in notes)
    assert counts == (2, 1)


def test_a_withdrawn_mediation_may_be_followed_by_another(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    r = post(client, w.village, w.number, "outcome", {"result": "withdrawn", "reason": "冷静期"})
    assert r.status_code == 200
    assert start(client, w.village, w.number, [w.mediator_id]).status_code == 201
    assert [m["status"] for m in _listed(client, w.village, w.number)] == ["withdrawn", "open"]


def test_an_open_mediation_refuses_another(client, world):
    w = world
    first = start(client, w.village, w.number, [w.mediator_id]).json()
    r = start(client, w.village, w.number, [w.mediator_id])
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "mediation_exists" and error["mediation"] == first["number"]
    assert first["number"] in error["message"] and "尚在进行中" in error["message"]
    assert len(_listed(client, w.village, w.number)) == 1


def test_an_agreement_refuses_another_even_after_earlier_failures(client, world):
    w = world
    _fail(client, w)
    second = start(client, w.village, w.number, [w.mediator_id]).json()
    post(client, w.village, w.number, "sessions", session_body())
    assert post(client, w.village, w.number, "outcome", agreement_body()).status_code == 200
    r = start(client, w.village, w.number, [w.mediator_id])
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "mediation_exists" and second["number"] in error["message"]
    assert "达成协议" in error["message"]
    assert len(_listed(client, w.village, w.number)) == 2


def test_supervisors_may_not_start_again(client, world):
    w = world
    _fail(client, w)
    r = start(client, w.township, w.number, [w.mediator_id])
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "mediation_not_permitted"


def test_the_list_is_scoped_and_free_of_personal_data(client, world):
    w = world
    assert _listed(client, w.village, w.number) == []
    _fail(client, w)
    start(client, w.village, w.number, [w.mediator_id])
    for staff in (w.village, w.township, w.county, w.mediator, w.admin):
        listed = _listed(client, staff, w.number)
        assert len(listed) == 2
        text = str(listed)
        for secret in ("李秀英", "王建国", "13907351234", "431002197503021234", "赔偿数额分歧大"):
            assert secret not in text
    there = client.get(f"/api/v1/cases/{w.number}/mediations", headers=w.outsider.headers)
    none = client.get(f"/api/v1/cases/{MISSING}/mediations", headers=w.outsider.headers)
    assert there.status_code == none.status_code == 404
    assert there.text.replace(w.number, "N") == none.text.replace(MISSING, "N")


def _signed_in(client, db, username: str, role: Role, region: str, unit: str | None = None):
    make_user(db, username, role, region, unit)
    login(client, username)


def test_the_pages_list_earlier_attempts_and_offer_to_mediate_again(client, db, world):
    w = world
    first = _fail(client, w)
    _signed_in(client, db, "wushan_p", Role.village, WUSHAN, f"C{WUSHAN}")
    [first_id] = re.findall(r'href="/desk/mediation/(\d+)"', client.get("/desk/mediation").text)
    page = client.get(f"/desk/mediation/{first_id}").text
    assert 'id="act-again"' in page and f'href="/desk/mediation/case/{w.number}"' in page

    # The case link now offers the start form, with the failed attempt listed.
    page = client.get(f"/desk/mediation/case/{w.number}")
    assert page.status_code == 200
    assert "重新调解" in page.text and "此前调解" in page.text
    assert f'href="/desk/mediation/{first_id}"' in page.text and first["number"] in page.text
    r = client.post(
        f"/desk/mediation/case/{w.number}",
        data={"csrf": csrf_of(page.text), "facts": "冷静期后双方同意再次调解"},
        follow_redirects=False,
    )
    assert r.status_code == 422  # no mediator chosen
    r = client.post(
        f"/desk/mediation/case/{w.number}",
        data={
            "csrf": csrf_of(page.text),
            "facts": "冷静期后双方同意再次调解",
            "mediators": str(w.mediator_id),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    second_url = r.headers["location"].split("?")[0]
    assert second_url != f"/desk/mediation/{first_id}"
    page = client.get(second_url).text
    assert "此前调解" in page and f'href="/desk/mediation/{first_id}"' in page
    assert 'id="act-again"' not in page and 'id="act-session"' in page
    # The case link leads to the open mediation again.
    r = client.get(f"/desk/mediation/case/{w.number}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == second_url

    # The earlier page points at the new one and acts on nothing.
    page = client.get(f"/desk/mediation/{first_id}").text
    assert "本案已重新调解" in page and f'href="{second_url}"' in page
    assert 'id="act-again"' not in page
    r = client.post(
        f"/desk/mediation/{first_id}/sessions",
        data={"csrf": csrf_of(page), **session_body()},
    )
    assert r.status_code == 409
    sessions = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.village.headers)
    assert sessions.json()["sessions"] == []


def test_supervisors_are_not_offered_to_mediate_again(client, db, world):
    w = world
    _fail(client, w)
    _signed_in(client, db, "huatang_p", Role.township, HUATANG, f"C{HUATANG}")
    [mid] = re.findall(r'href="/desk/mediation/(\d+)"', client.get("/desk/mediation").text)
    page = client.get(f"/desk/mediation/{mid}").text
    assert 'id="act-again"' not in page


def test_out_of_scope_case_pages_stay_not_found(client, db, world):
    w = world
    _fail(client, w)
    _signed_in(client, db, "renyi_p", Role.township, RENYI, f"C{RENYI}")
    assert client.get(f"/desk/mediation/case/{w.number}").status_code == 404


# --- two starts at once -------------------------------------------------------------------


def test_two_starts_at_once_make_one_mediation(scratch):
    """The case row is locked before the earlier mediations are read: of two starts racing
    after a failure, one wins and the other answers mediation_exists (on both engines)."""
    with scratch.unit_of_work() as s:
        create_user(s, username="root", role=Role.admin, region_code=CITY)
        actor = s.scalar(select(User).where(User.username == "root"))
        assert actor is not None
        mediator = create_mediator(s, actor=None, data=MediatorCreate(**mediator_body()))
        case = submit_case(s, data=CaseCreate.model_validate(case_body()), actor=None)
        number = case.number
        assert number is not None
        act_on_case(s, actor=actor, number=number, action=Action.accept, body=ActionIn())
        data = MediationStart(mediators=[mediator.id], facts="邻里采光纠纷")
        start_mediation(s, actor=actor, number=number, data=data)
        conclude(s, actor=actor, number=number, data=OutcomeIn(result="withdrawn", reason="冷静期"))

    barrier = threading.Barrier(2)
    started: list[str] = []
    refused: list[str] = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            with scratch.unit_of_work() as s:
                root = s.scalar(select(User).where(User.username == "root"))
                assert root is not None
                m = start_mediation(s, actor=root, number=number, data=data)
                started.append(m.number or "")
        except Conflict as exc:
            refused.append(exc.code or "")
        except BaseException as exc:  # surfaced below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    assert len(started) == 1 and refused == ["mediation_exists"]
    with scratch.unit_of_work(write=False) as s:
        statuses = list(s.scalars(select(Mediation.status).order_by(Mediation.id)))
    assert statuses == ["withdrawn", "open"]
