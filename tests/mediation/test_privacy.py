"""Scope and personal data: out of scope answers like missing, whatever the body; parties are
masked for supervisors and whole (and logged) for the handlers and the named mediators; the
agreement documents only for those, each download logged."""

from __future__ import annotations

from sqlalchemy import select

from jieyou.accounts.models import AccessLog
from tests.mediation.helpers import agreement_body, post, session_body, start

MISSING = "JY20990101999999"
TAILS = ["", "/sessions", "/outcome", "/follow-ups", "/parties"]


def _agreed(client, w) -> None:
    start(
        client,
        w.village,
        w.number,
        [w.mediator_id],
        parties=[
            {
                "side": "applicant",
                "name": "李秀英",
                "gender": "female",
                "ethnicity": "汉族",
                "birth_date": "1975-03-02",
                "id_number": "431002197503021234",
                "phone": "13907351234",
                "address": "吴山村3组12号",
            },
            {
                "side": "respondent",
                "name": "王建国",
                "phone": "13807359876",
                "address": "吴山村3组14号",
            },
        ],
    )
    post(client, w.village, w.number, "sessions", session_body())
    assert post(client, w.village, w.number, "outcome", agreement_body()).status_code == 200


def _logs(db, username: str) -> list[str]:
    with db.unit_of_work(write=False) as s:
        return list(s.scalars(select(AccessLog.channel).where(AccessLog.username == username)))


def test_out_of_scope_answers_like_missing_whatever_the_body(client, world):
    w = world
    _agreed(client, w)
    for tail in [*TAILS, "/suggestions", "/agreement.docx", "/agreement.pdf"]:
        for method in ("GET", "POST", "PUT"):
            there = client.request(
                method,
                f"/api/v1/cases/{w.number}/mediation{tail}",
                json={},
                headers=w.outsider.headers,
            )
            none = client.request(
                method,
                f"/api/v1/cases/{MISSING}/mediation{tail}",
                json={},
                headers=w.outsider.headers,
            )
            assert there.status_code == none.status_code, (method, tail)
            if none.status_code != 405:
                assert there.status_code == 404, (method, tail, there.text)
                assert there.text.replace(w.number, "N") == none.text.replace(MISSING, "N")


def test_supervisors_read_parties_masked_and_are_not_logged(client, db, world):
    w = world
    _agreed(client, w)
    m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.township.headers).json()
    assert m["personal_data"] == "masked"
    applicant = next(p for p in m["parties"] if p["side"] == "applicant")
    assert applicant["name"] == "李**"
    assert applicant["phone"] == "139****1234"
    assert applicant["id_number"] == "4310**********1234"
    assert applicant["birth_date"] == "1975"
    assert applicant["address"] == "吴山村***"
    assert m["documents"] == {}
    # Names, addresses and numbers are masked in the minutes and the terms too.
    raw = client.get(f"/api/v1/cases/{w.number}/mediation", headers=w.township.headers).text
    for secret in ("李秀英", "王建国", "13907351234", "吴山村3组12号", "431002197503021234"):
        assert secret not in raw, secret
    assert _logs(db, "huatang") == []
    for kind in ("docx", "pdf"):
        r = client.get(
            f"/api/v1/cases/{w.number}/mediation/agreement.{kind}", headers=w.township.headers
        )
        assert r.status_code == 403
        assert "13907351234" not in r.text


def test_handlers_and_named_mediators_read_whole_and_are_logged(client, db, world):
    w = world
    _agreed(client, w)
    for staff in (w.village, w.mediator):
        m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=staff.headers).json()
        assert m["personal_data"] == "full"
        assert m["parties"][0]["id_number"] == "431002197503021234"
        assert "api.mediation" in _logs(db, staff.username)


def test_each_agreement_download_is_logged(client, db, world):
    w = world
    _agreed(client, w)
    for kind in ("docx", "pdf"):
        r = client.get(
            f"/api/v1/cases/{w.number}/mediation/agreement.{kind}", headers=w.mediator.headers
        )
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-store"
        assert "attachment" in r.headers["content-disposition"]
    assert {"mediation.docx", "mediation.pdf"} <= set(_logs(db, "he_mediator"))


def test_a_mediator_not_named_reads_masked(client, db, world):
    from jieyou.accounts.models import Role
    from tests.factories import HUATANG, make_staff

    w = world
    _agreed(client, w)
    other = make_staff(db, "luo", Role.mediator, HUATANG)
    m = client.get(f"/api/v1/cases/{w.number}/mediation", headers=other.headers).json()
    assert m["personal_data"] == "masked"
    assert (
        post(
            client, other, w.number, "follow-ups", {"visited_on": "2026-11-27", "result": "fully"}
        ).status_code
        == 403
    )
