"""A mediation through the API: start, sessions, the outcome, 履行回访 — and the state rules
(409 with the allowed actions), input errors (422 naming the field, nothing changed) and who
may record (403)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from jieyou.cases.models import CaseEvent
from jieyou.mediation.repository import success_counts
from tests.factories import HUATANG, LUTANG, act, count_rows
from tests.mediation.helpers import agreement_body, post, session_body, start


def test_a_mediation_from_start_to_an_honoured_agreement(client, db, world):
    w = world
    r = start(client, w.village, w.number, [w.mediator_id])
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["status"] == "open" and m["status_label"] == "调解中"
    assert m["number"].startswith("TJ2026")
    assert m["committee"] == "吴山村人民调解委员会"
    # Parties come from the case: the submitter applies, the named party responds.
    sides = {(p["side"], p["name"]) for p in m["parties"]}
    assert sides == {("applicant", "李秀英"), ("respondent", "王建国")}
    assert m["personal_data"] == "full"
    assert m["available_actions"] == ["session", "parties", "agree", "fail", "withdraw"]

    r = post(client, w.village, w.number, "sessions", session_body())
    assert r.status_code == 201, r.text
    assert r.json()["held_at"] == "2026-11-20T09:30:00+08:00"

    r = post(client, w.village, w.number, "outcome", agreement_body())
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["status"] == "agreed"
    assert m["agreement"]["performance_due"] == "2026-12-05"
    # The follow-up falls due a week after the performance deadline.
    assert m["follow_up_due"] == "2026-12-12"
    assert m["available_actions"] == ["follow_up"]
    assert set(m["documents"]) == {"docx", "pdf"}

    r = post(
        client,
        w.village,
        w.number,
        "follow-ups",
        {"visited_on": "2026-11-27", "method": "phone", "result": "partly", "note": "已拆一半"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["next_due"] == "2026-12-27"
    r = post(
        client, w.mediator, w.number, "follow-ups", {"visited_on": "2026-11-27", "result": "fully"}
    )
    assert r.status_code == 201, r.text
    m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.village.headers).json()
    assert m["honoured"] == "fully" and m["follow_up_due"] is None
    assert [f["result_label"] for f in m["follow_ups"]] == ["部分履行", "已全部履行"]

    # The case's own history tells the story.
    with db.unit_of_work(write=False) as s:
        notes = s.scalars(select(CaseEvent.note).where(CaseEvent.action == "comment")).all()
    assert any("启动人民调解" in n for n in notes)
    assert any("达成协议" in n for n in notes)
    assert any("已全部履行" in n for n in notes)


def test_concluded_mediations_refuse_more_with_the_allowed_actions(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    assert post(client, w.village, w.number, "outcome", agreement_body()).status_code == 200
    for tail, body in [
        ("sessions", session_body()),
        ("outcome", {"result": "failed", "failure_reason": "x", "guidance": "litigation"}),
    ]:
        r = post(client, w.village, w.number, tail, body)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["allowed"] == ["follow_up"]
    assert start(client, w.village, w.number, [w.mediator_id]).status_code == 409


def test_a_follow_up_before_an_agreement_is_refused(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    r = post(
        client, w.village, w.number, "follow-ups", {"visited_on": "2026-11-27", "result": "fully"}
    )
    assert r.status_code == 409
    assert r.json()["error"]["allowed"] == ["session", "parties", "agree", "fail", "withdraw"]


def test_an_outcome_needs_a_session_first(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    r = post(client, w.village, w.number, "outcome", agreement_body())
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_required"
    # Withdrawing needs no session.
    r = post(
        client, w.village, w.number, "outcome", {"result": "withdrawn", "reason": "已自行和解"}
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_a_failed_mediation_records_the_guidance(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body(agreed=None))
    r = post(
        client, w.village, w.number, "outcome", {"result": "failed", "failure_reason": "分歧大"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "guidance"
    r = post(
        client,
        w.village,
        w.number,
        "outcome",
        {"result": "failed", "failure_reason": "赔偿数额分歧大", "guidance": "litigation"},
    )
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["status"] == "failed" and m["guidance_label"] == "向人民法院提起诉讼"
    assert m["documents"] == {} and m["agreement"] is None
    r = client.get(f"/api/v1/cases/{w.number}/mediation/agreement.pdf", headers=w.village.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_agreement"


def test_bad_input_names_the_field_and_changes_nothing(client, db, world):
    w = world
    before = count_rows(db, "mediations")
    r = start(client, w.village, w.number, [])
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "mediators"
    r = start(client, w.village, w.number, [999_999])
    assert r.status_code == 422 and r.json()["error"]["field"] == "mediators"
    r = start(
        client,
        w.village,
        w.number,
        [w.mediator_id],
        parties=[{"side": "applicant", "name": "李秀英", "id_number": "123"}],
    )
    assert r.status_code == 422 and "身份证" in r.json()["error"]["message"]
    r = start(
        client,
        w.village,
        w.number,
        [w.mediator_id],
        parties=[{"side": "applicant", "name": "李秀英"}],
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "parties"
    assert count_rows(db, "mediations") == before

    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    r = post(client, w.village, w.number, "sessions", session_body(held_at="2026-12-30T09:00"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "held_at"
    for body, field in [
        (agreement_body(performance_due=None), "performance_due"),
        (agreement_body(terms=""), "terms"),
        (agreement_body(performance_due="2026-11-01"), "performance_due"),
        (agreement_body(follow_up_due="2026-12-01"), "follow_up_due"),
    ]:
        r = post(client, w.village, w.number, "outcome", body)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == field
    r = post(client, w.village, w.number, "outcome", agreement_body(copies=1))
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "copies"
    m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.village.headers).json()
    assert m["status"] == "open" and len(m["sessions"]) == 1


def test_supervisors_read_but_do_not_record(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    for staff in (w.township, w.county):
        r = post(client, staff, w.number, "sessions", session_body())
        assert r.status_code == 403, r.text
        m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=staff.headers).json()
        assert m["available_actions"] == []


def test_the_case_must_be_accepted_and_open(client, world):
    from tests.factories import submit

    w = world
    fresh = submit(client)["number"]
    r = start(client, w.admin, fresh, [w.mediator_id])
    assert r.status_code == 409 and r.json()["error"]["code"] == "case_not_open"
    r = act(client, w.admin, fresh, "reject", reason="不属于受理范围")
    assert start(client, w.admin, fresh, [w.mediator_id]).status_code == 409


def test_success_counts_for_the_dashboard(client, db, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    post(client, w.village, w.number, "outcome", agreement_body())
    from tests.mediation.helpers import accepted_case

    other = accepted_case(client, w.admin)
    start(client, w.village, other, [w.mediator_id])
    post(client, w.village, other, "sessions", session_body())
    post(
        client,
        w.village,
        other,
        "outcome",
        {"result": "failed", "failure_reason": "分歧", "guidance": "arbitration"},
    )
    third = accepted_case(client, w.admin)
    start(client, w.village, third, [w.mediator_id])  # still open: not counted
    since, until = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    with db.unit_of_work(write=False) as s:
        assert success_counts(s, path="4310021012", since=since, until=until) == (2, 1)
        assert success_counts(s, path="431002101201", since=since, until=until) == (2, 1)
        assert success_counts(s, path="431021", since=since, until=until) == (0, 0)
        later = datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        assert success_counts(s, path="4310", since=later[0], until=later[1]) == (0, 0)


def test_the_list_counts_states_and_follow_ups_due(client, world, frozen):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    post(
        client,
        w.village,
        w.number,
        "outcome",
        agreement_body(performance_due="2026-11-21", follow_up_due="2026-11-25"),
    )
    page = client.get("/api/v1/mediations", headers=w.township.headers).json()
    assert page["counts"]["agreed"] == 1 and page["counts"]["follow_up_due"] == 1
    item = page["items"][0]
    assert item["applicant"] == "李**" and item["follow_up_overdue"] is True
    due = client.get("/api/v1/mediations?due=true", headers=w.township.headers).json()
    assert due["total"] == 1
    assert client.get("/api/v1/mediations", headers=w.outsider.headers).json()["total"] == 0


def test_parties_are_replaced_while_open_only(client, world):
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    url = f"/api/v1/cases/{w.number}/mediation/parties"
    parties = [
        {"side": "applicant", "name": "李秀英", "gender": "female", "birth_date": "1975-03-02"},
        {"side": "respondent", "name": "北湖区某物业公司", "representative": "张经理"},
    ]
    r = client.put(url, json={"parties": parties[:1]}, headers=w.village.headers)
    assert r.status_code == 422
    r = client.put(url, json={"parties": [parties[0], parties[0]]}, headers=w.village.headers)
    assert r.status_code == 422 and r.json()["error"]["field"] == "parties"
    r = client.put(url, json={"parties": parties}, headers=w.village.headers)
    assert r.status_code == 200, r.text
    assert [p["name"] for p in r.json()["parties"]] == ["李秀英", "北湖区某物业公司"]
    assert client.put(url, json={"parties": parties}, headers=w.township.headers).status_code == 403
    post(client, w.village, w.number, "outcome", {"result": "withdrawn", "reason": "已和解"})
    r = client.put(url, json={"parties": parties}, headers=w.village.headers)
    assert r.status_code == 409 and r.json()["error"]["allowed"] == []


def test_the_dashboard_shows_the_mediation_success_rate(client, world):
    """调解成功率 on the dashboard's summary: agreements ÷ mediations concluded in the period,
    in the area asked for; a mediation still open is in neither."""
    w = world
    start(client, w.village, w.number, [w.mediator_id])
    post(client, w.village, w.number, "sessions", session_body())
    post(client, w.village, w.number, "outcome", agreement_body())
    from tests.mediation.helpers import accepted_case

    for result in ("failed", None):
        other = accepted_case(client, w.admin)
        start(client, w.village, other, [w.mediator_id])
        if result:
            post(client, w.village, other, "sessions", session_body())
            failed = {"result": "failed", "failure_reason": "分歧", "guidance": "litigation"}
            assert post(client, w.village, other, "outcome", failed).status_code == 200

    def rate(region: str, start_: str, end: str) -> dict:
        params = {"region": region, "from": start_, "to": end}
        r = client.get("/api/v1/stats/summary", params=params, headers=w.county.headers)
        assert r.status_code == 200, r.text
        return r.json()["kpis"]["mediation_success_rate"]

    november = rate(HUATANG, "2026-11-01", "2026-11-30")
    assert (november["numerator"], november["denominator"], november["value"]) == (1, 2, 0.5)
    assert rate(LUTANG, "2026-11-01", "2026-11-30")["denominator"] == 0  # another township
    assert rate(HUATANG, "2026-10-01", "2026-10-31")["denominator"] == 0  # another month
