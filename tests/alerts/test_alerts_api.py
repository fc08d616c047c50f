"""Early-warning alerts through the API: scoped like cases, acknowledged and closed by staff,
and a closed alert stays closed when the scan runs again."""

from __future__ import annotations

from jieyou.accounts.models import Role
from tests.alerts.test_rules import HUAPING, file_case, lamp, phone, run_scan
from tests.factories import BEIHU, CITY, GUIYANG, HUATANG, WUSHAN, ZHAOLV, make_staff


def _alerts(client, staff, **params):
    r = client.get("/api/v1/alerts", headers=staff.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_county_user_sees_only_the_early_warnings_of_its_county(client, db):
    beihu = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    guiyang = make_staff(db, "guiyang", Role.county, GUIYANG, unit=f"C{GUIYANG}")
    admin = make_staff(db, "root", Role.admin, CITY)
    mine = [file_case(db, days_ago=9 - i, text=i, region=WUSHAN) for i in range(3)]
    for i in range(3):
        file_case(db, days_ago=9 - i, text=i, region=HUAPING, submitter="13600001111")
    assert len(run_scan(db).raised) == 2

    [seen] = _alerts(client, beihu, rule="repeat")
    assert seen["region_name"] == "吴山村" and seen["level"] == "elevated"
    assert [c["number"] for c in seen["cases"]] == mine
    assert "139****1234" in seen["title"] and "13907351234" not in str(seen)
    [theirs] = _alerts(client, guiyang, rule="repeat")
    assert theirs["id"] != seen["id"] and "136****1111" in theirs["title"]
    assert len(_alerts(client, admin, rule="repeat")) == 2

    r = client.post(f"/api/v1/alerts/{theirs['id']}/acknowledge", headers=beihu.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "alert_not_found"


def test_staff_acknowledge_then_close_a_cluster_and_the_scan_leaves_it_closed(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    zhaolv = make_staff(db, "zhaolv", Role.village, ZHAOLV, unit=f"C{ZHAOLV}")
    for i in range(3):
        lamp(db, i, days_ago=3 - i)
    run_scan(db)

    [alert] = _alerts(client, town, rule="cluster")
    assert alert["region_name"] == "吴山村" and len(alert["cases"]) == 3
    assert [a["id"] for a in _alerts(client, wushan, rule="cluster")] == [alert["id"]]
    assert _alerts(client, zhaolv, rule="cluster") == []
    inbox = client.get("/api/v1/notifications", headers=town.headers).json()
    assert [n["kind"] for n in inbox] == ["alert.cluster"]
    assert inbox[0]["alert_id"] == alert["id"]

    r = client.post(
        f"/api/v1/alerts/{alert['id']}/acknowledge",
        json={"note": "已安排村委会核实"},
        headers=wushan.headers,
    )
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = client.post(
        f"/api/v1/alerts/{alert['id']}/close", json={"note": "路灯已修复"}, headers=town.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["note"] == "路灯已修复"
    assert _alerts(client, town, rule="cluster") == []  # the list shows live alerts by default
    assert [a["id"] for a in _alerts(client, town, status="closed")] == [alert["id"]]

    assert not run_scan(db).changed
    r = client.post(f"/api/v1/alerts/{alert['id']}/close", headers=town.headers)
    assert r.status_code == 409


def test_new_cases_after_closing_raise_a_new_alert(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    for i in range(3):
        file_case(db, days_ago=20 - i, text=i, submitter=phone(1))
    run_scan(db)
    [first] = _alerts(client, town, rule="repeat")
    assert client.post(f"/api/v1/alerts/{first['id']}/close", headers=town.headers).is_success
    later = [file_case(db, days_ago=3 - i, text=3 + i, submitter=phone(1)) for i in range(3)]
    run_scan(db)
    [second] = _alerts(client, town, rule="repeat")
    assert second["id"] != first["id"]
    assert [c["number"] for c in second["cases"]] == later
