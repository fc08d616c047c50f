"""The ledger's figures: 整改率 = 已销号 ÷ 问题数 by county and township, overdue as the worker
sees it, and each user's figures limited to their region."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from jieyou.accounts.models import Role
from jieyou.ledger.repository import open_batches_summary
from jieyou.worker import tick
from tests.factories import BEIHU, CITY, GUIYANG, HUATANG, RENYI, make_staff
from tests.ledger.helpers import at, import_list, numbers, problem, rectify, user


def figures(client, staff, batch: int, **params: str) -> dict:
    r = client.get(f"/api/v1/ledger/batches/{batch}", params=params, headers=staff.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_rate_is_rectified_over_all_problems_by_township_and_county(client, beihu_list):
    county, batch, _ = beihu_list
    body = figures(client, county, batch)
    total = body["batch"]["figures"]
    assert (total["total"], total["rectified"], total["awaiting"], total["in_progress"]) == (
        5,
        2,
        1,
        2,
    )
    assert total["rate"] == pytest.approx(2 / 5)
    assert (total["area_mu"], total["rectified_area_mu"]) == (6.75, 3.25)
    [beihu] = body["counties"]
    assert (beihu["code"], beihu["name"], beihu["figures"]["rate"]) == (BEIHU, "北湖区", 0.4)
    towns = {t["name"]: t["figures"] for t in beihu["townships"]}
    assert towns["华塘镇"]["total"] == 4 and towns["华塘镇"]["rectified"] == 2
    assert towns["华塘镇"]["rate"] == 0.5
    # Awaiting verification is not rectified: it counts in the denominator only.
    assert towns["华塘镇"]["awaiting"] == 1
    assert (towns["鲁塘镇"]["total"], towns["鲁塘镇"]["rate"]) == (1, 0.0)


def test_overdue_items_are_counted_once_the_deadline_passes(client, db, tmp_path):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    rows = [problem(f"O{i}", due=date(2026, 10, 15)) for i in range(4)]
    rows.append(problem("O9", due=date(2026, 12, 31)))
    batch = import_list(client, county, rows).json()["batch"]["id"]
    found = numbers(db, batch)
    early = at(2026, 10, 1, 10, 0)
    rectify(
        db, tmp_path, found["O0"], handler="huatang", issuer="beihu", until="rectified", now=early
    )
    rectify(
        db, tmp_path, found["O1"], handler="huatang", issuer="beihu", until="awaiting", now=early
    )
    rectify(
        db, tmp_path, found["O2"], handler="huatang", issuer="beihu", until="started", now=early
    )

    report = tick(db, now=at(2026, 10, 16, 9, 0)).deadlines
    # O2 (in work) and O3 (never started) are late; the verified and the awaiting are not.
    assert (report.overdue, report.supervised) == (2, 2)
    with time_machine.travel(at(2026, 10, 16, 9, 5), tick=False):
        total = figures(client, county, batch)["batch"]["figures"]
    assert (total["total"], total["overdue"], total["rectified"]) == (5, 2, 1)
    # 督办 gave the late ones a new deadline; they stay overdue (marked) until rectified.
    with time_machine.travel(at(2026, 10, 17, 9, 0), tick=False):
        assert figures(client, county, batch)["batch"]["figures"]["overdue"] == 2


def test_a_county_sees_only_its_own_problems_of_a_city_list(client, db, tmp_path):
    city = make_staff(db, "city", Role.city, CITY, unit=f"C{CITY}")
    beihu = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    guiyang = make_staff(db, "guiyang", Role.county, GUIYANG, unit=f"C{GUIYANG}")
    renyi = make_staff(db, "renyi", Role.township, RENYI, unit=f"C{RENYI}")
    rows = [
        problem("C1"),
        problem("C2", township="鲁塘镇", village=None),
        problem("C3", county="桂阳县", township="仁义镇", village=None, unit="仁义镇"),
    ]
    batch = import_list(client, city, rows).json()["batch"]["id"]
    found = numbers(db, batch)

    def seen(staff) -> tuple[int, list[str]]:
        body = figures(client, staff, batch)
        return body["batch"]["figures"]["total"], [c["name"] for c in body["counties"]]

    assert seen(city) == (3, ["北湖区", "桂阳县"])
    assert seen(beihu) == (2, ["北湖区"])
    assert seen(guiyang) == (1, ["桂阳县"])
    assert seen(renyi) == (1, ["桂阳县"])
    listed = client.get("/api/v1/ledger/batches", headers=beihu.headers).json()
    assert [(b["id"], b["figures"]["total"]) for b in listed] == [(batch, 2)]
    # Another county's problem is answered like a missing one.
    page = client.get(f"/api/v1/cases/{found['C3']}", headers=beihu.headers)
    assert page.status_code == 404
    # A township with nothing in a county's list does not see that list at all.
    own = import_list(client, beihu, [problem("B1")], name="北湖区清单").json()["batch"]["id"]
    assert client.get(f"/api/v1/ledger/batches/{own}", headers=renyi.headers).status_code == 404
    ids = {b["id"] for b in client.get("/api/v1/ledger/batches", headers=renyi.headers).json()}
    assert ids == {batch}


def test_the_dashboard_lists_open_batches_with_their_rate_in_the_users_region(
    client, db, beihu_list
):
    _, batch, _ = beihu_list
    with db.unit_of_work(write=False) as s:
        county_view = open_batches_summary(s, user(s, "beihu"))
        town_view = open_batches_summary(s, user(s, "lutang"))
    assert [(b.id, b.figures.total, b.figures.rectified) for b in county_view] == [(batch, 5, 2)]
    assert county_view[0].figures.rate == pytest.approx(0.4)
    assert [(b.id, b.figures.total, b.figures.rate) for b in town_view] == [(batch, 1, 0.0)]
    # The county's dashboard drilled into 华塘镇: that township's figures only.
    with db.unit_of_work(write=False) as s:
        huatang = open_batches_summary(s, user(s, "beihu"), region_path=HUATANG[:9])
    assert [(b.figures.total, b.figures.rectified) for b in huatang] == [(4, 2)]
