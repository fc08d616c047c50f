"""The grid register through its JSON API: places, groups, chiefs and their history, scope."""

from __future__ import annotations

from jieyou.accounts.models import Role
from tests.factories import CITY, HUATANG, WUSHAN, ZHAOLV, count_rows, make_staff, submit
from tests.grid.helpers import appoint, new_grid, new_lane


def test_a_village_cadre_builds_grids_and_lanes_with_codes_given(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    g1 = new_grid(client, wushan, WUSHAN, "第1网格", boundary="东至吴山河，西至107国道")
    g2 = new_grid(client, wushan, WUSHAN, "第2网格")
    assert (g1, g2) == (f"{WUSHAN}01", f"{WUSHAN}02")
    lanes = [new_lane(client, wushan, g1, f"{n}巷", households=6 + n) for n in (1, 2, 3)]
    assert lanes == [f"{g1}01", f"{g1}02", f"{g1}03"]

    r = client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=wushan.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    grid = body["grids"][0]
    assert grid["boundary"] == "东至吴山河，西至107国道"
    assert grid["households"] == 7 + 8 + 9
    assert [lane["name"] for lane in grid["lanes"]] == ["1巷", "2巷", "3巷"]
    assert body["coverage"] | {} == body["coverage"]
    assert body["coverage"]["lanes"] == 3 and body["coverage"]["lanes_with_chief"] == 0


def test_bad_input_names_the_field_and_changes_nothing(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    before = count_rows(db, "regions")
    r = client.post(
        f"/api/v1/grid/grids/{grid}/lanes",
        json={"name": "1巷", "households": 0},
        headers=wushan.headers,
    )
    assert r.status_code == 422
    assert "households" in r.text
    r = client.post(
        f"/api/v1/grid/villages/{WUSHAN}/grids", json={"name": "第1网格"}, headers=wushan.headers
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"
    assert count_rows(db, "regions") == before


def test_reappointing_a_lane_chief_ends_the_previous_term(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    lane = new_lane(client, wushan, grid, "1巷")
    r = appoint(
        client,
        wushan,
        post="lane_chief",
        place=lane,
        person_name="何秀兰",
        phone="13907351234",
        started_on="2026-01-05",
    )
    assert r.status_code == 201, r.text
    assert r.json()["duty_labels"] == ["环境卫生", "政策宣传", "矛盾调解", "村规民约", "中心工作"]
    r = appoint(
        client,
        wushan,
        post="lane_chief",
        place=lane,
        person_name="李桂英",
        duties=["hygiene", "mediation"],
        started_on="2026-06-01",
    )
    assert r.status_code == 201, r.text
    detail = client.get(f"/api/v1/grid/lanes/{lane}", headers=wushan.headers).json()
    assert detail["chief"]["person_name"] == "李桂英"
    assert detail["chief"]["duty_labels"] == ["环境卫生", "矛盾调解"]
    assert [h["person_name"] for h in detail["history"]] == ["何秀兰"]
    assert detail["history"][0]["ended_on"] == "2026-06-01"
    assert detail["history"][0]["phone"] == "13907351234"
    # The same person again is a conflict, not a second term.
    again = appoint(client, wushan, post="lane_chief", place=lane, person_name="李桂英")
    assert again.status_code == 409


def test_phones_are_masked_for_the_county(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    county = make_staff(db, "beihu", Role.county, "431002000000", unit="C431002000000")
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    r = appoint(
        client, wushan, post="grid_chief", place=grid, person_name="李书记", phone="13907351234"
    )
    assert r.status_code == 201
    body = client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=county.headers).json()
    assert body["grids"][0]["chief"]["phone"] == "139****1234"


def test_a_village_cadre_cannot_see_or_edit_another_village(client, db):
    make_staff(db, "zhaolv", Role.village, ZHAOLV, unit=f"C{ZHAOLV}")
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    zhaolv = make_staff(db, "zhaolv2", Role.village, ZHAOLV)
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    assert client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=zhaolv.headers).status_code == 404
    r = client.post(
        f"/api/v1/grid/grids/{grid}/lanes",
        json={"name": "1巷", "households": 8},
        headers=zhaolv.headers,
    )
    assert r.status_code == 404
    r = client.patch(f"/api/v1/grid/grids/{grid}", json={"name": "改名"}, headers=zhaolv.headers)
    assert r.status_code == 404


def test_a_lane_chief_reads_the_lane_but_cannot_edit(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    lane = new_lane(client, wushan, grid, "1巷")
    other = new_lane(client, wushan, grid, "2巷")
    chief = make_staff(db, "helane", Role.lane_chief, lane)
    assert client.get(f"/api/v1/grid/lanes/{lane}", headers=chief.headers).status_code == 200
    assert client.get(f"/api/v1/grid/lanes/{other}", headers=chief.headers).status_code == 404
    assert client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=chief.headers).status_code == 404
    r = client.patch(f"/api/v1/grid/lanes/{lane}", json={"households": 12}, headers=chief.headers)
    assert r.status_code == 403


def test_open_cases_are_counted_per_lane(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    grid = new_grid(client, admin, WUSHAN, "第1网格")
    lane = new_lane(client, admin, grid, "1巷")
    submit(client, region_code=lane)
    submit(client, region_code=lane)
    submit(client)  # the village itself
    body = client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=admin.headers).json()
    assert body["grids"][0]["lanes"][0]["open_cases"] == 2
    assert body["village_open_cases"] == 1
    assert body["coverage"]["open_cases"] == 3
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    r = client.get("/api/v1/grid/villages", params={"q": "吴山"}, headers=town.headers)
    assert r.json()["items"][0]["lanes"] == 1


def test_a_township_keeps_its_villages_and_a_department_reads_without_case_counts(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    dept = make_staff(db, "beihu_sfj", Role.department, "431002000000", unit="D431002000000-sfj")
    grid = new_grid(client, town, ZHAOLV, "第1网格", households=40)
    lane = new_lane(client, town, grid, "1巷", households=11)
    submit(client, region_code=lane)
    body = client.get(f"/api/v1/grid/villages/{ZHAOLV}", headers=dept.headers).json()
    assert body["grids"][0]["lanes"][0]["open_cases"] is None
    assert body["coverage"]["open_cases"] is None
    assert (
        client.patch(
            f"/api/v1/grid/lanes/{lane}", json={"households": 12}, headers=dept.headers
        ).status_code
        == 403
    )
    # Outside 华塘镇: not found.
    assert client.get("/api/v1/grid/villages/431021102003", headers=town.headers).status_code == 404


def test_grid_households_are_the_sum_of_its_lanes(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    grid = new_grid(client, wushan, WUSHAN, "第1网格", households=50)
    r = client.patch(f"/api/v1/grid/grids/{grid}", json={"households": 60}, headers=wushan.headers)
    assert r.status_code == 200 and r.json()["households"] == 60
    lane = new_lane(client, wushan, grid, "1巷", households=9)
    new_lane(client, wushan, grid, "2巷", households=7)
    r = client.patch(f"/api/v1/grid/lanes/{lane}", json={"households": 10}, headers=wushan.headers)
    assert r.status_code == 200
    body = client.get(f"/api/v1/grid/grids/{grid}", headers=wushan.headers).json()
    assert len(body["grids"]) == 1 and len(body["grids"][0]["lanes"]) == 2
    assert body["grids"][0]["households"] == 17
    r = client.patch(f"/api/v1/grid/grids/{grid}", json={"households": 60}, headers=wushan.headers)
    assert r.status_code == 422 and r.json()["error"]["field"] == "households"
    r = client.patch(
        f"/api/v1/grid/grids/{grid}",
        json={"name": "东片", "boundary": None},
        headers=wushan.headers,
    )
    assert r.status_code == 200 and r.json()["name"] == "东片"


def test_groups_their_chiefs_and_ending_a_term(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    make_staff(db, "wushan_cao", Role.village, WUSHAN)
    make_staff(db, "root", Role.admin, CITY)
    grid = new_grid(client, wushan, WUSHAN, "第1网格")
    r = client.post(
        f"/api/v1/grid/villages/{WUSHAN}/groups",
        json={"name": "第3村民小组", "number": 3, "households": 46, "grid_code": grid},
        headers=wushan.headers,
    )
    assert r.status_code == 201, r.text
    group = r.json()["id"]
    bad = client.post(
        f"/api/v1/grid/villages/{WUSHAN}/groups",
        json={"name": "第4村民小组", "grid_code": f"{ZHAOLV}01"},
        headers=wushan.headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "grid_code"
    r = appoint(
        client,
        wushan,
        post="group_chief",
        group_id=group,
        person_name="曹德胜",
        username="wushan_cao",
        duties_note="中心工作：森林防火",
    )
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "wushan_cao"
    outsider = appoint(
        client, wushan, post="group_chief", group_id=group, person_name="某", username="root"
    )
    assert outsider.status_code == 422 and outsider.json()["error"]["field"] == "username"
    wrong = appoint(client, wushan, post="lane_chief", place=grid, person_name="某")
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "place"
    ended = client.post(
        f"/api/v1/grid/assignments/{r.json()['id']}/end",
        json={"reason": "外出务工"},
        headers=wushan.headers,
    )
    assert ended.status_code == 200 and ended.json()["is_current"] is False
    again = client.post(
        f"/api/v1/grid/assignments/{r.json()['id']}/end", json={}, headers=wushan.headers
    )
    assert again.status_code == 409
    groups = client.get(f"/api/v1/grid/villages/{WUSHAN}/groups", headers=wushan.headers).json()
    assert groups[0]["chief"] is None and groups[0]["grid_name"] == "第1网格"
    history = client.get(
        "/api/v1/grid/assignments",
        params={"place": WUSHAN, "include_ended": True},
        headers=wushan.headers,
    ).json()
    assert [(h["person_name"], h["end_reason"]) for h in history] == [("曹德胜", "外出务工")]
