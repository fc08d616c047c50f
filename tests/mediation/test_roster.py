"""The roster: who keeps it, who sees which entries, filters, and suggestions for a case."""

from __future__ import annotations

from tests.factories import BEIHU, HUATANG, LUTANG, RENYI, WUSHAN
from tests.mediation.helpers import add_mediator, mediator_body


def test_the_roster_filters_by_speciality_and_region(client, world):
    w = world
    add_mediator(
        client,
        w.township,
        name="罗建华",
        organisation="华塘镇人民调解委员会",
        region_code=HUATANG,
        specialities=["land_forest"],
    )
    add_mediator(
        client,
        w.county,
        name="黄海涛",
        organisation="北湖区道路交通事故人民调解委员会",
        region_code=BEIHU,
        specialities=["traffic"],
    )
    add_mediator(
        client,
        w.county,
        name="彭永和",
        organisation="鲁塘镇人民调解委员会",
        region_code=LUTANG,
        specialities=["neighbour"],
    )
    names = lambda r: [m["name"] for m in r.json()]  # noqa: E731
    h = w.county.headers
    assert names(client.get("/api/v1/mediators?speciality=neighbour", headers=h)) == [
        "何秀英",
        "彭永和",
    ]
    # Serving 吴山村: its own committee, the township's and the district's, not 鲁塘镇's.
    assert set(names(client.get(f"/api/v1/mediators?region={WUSHAN}", headers=h))) == {
        "何秀英",
        "罗建华",
        "黄海涛",
    }
    # A village sees itself and the committees above it, not a neighbouring township's.
    assert set(names(client.get("/api/v1/mediators", headers=w.village.headers))) == {
        "何秀英",
        "罗建华",
        "黄海涛",
    }
    assert names(client.get("/api/v1/mediators", headers=w.outsider.headers)) == []
    r = client.get("/api/v1/mediators?speciality=cooking", headers=h)
    assert r.status_code == 422


def test_who_keeps_the_roster(client, world):
    w = world
    r = client.post(
        "/api/v1/mediators", json=mediator_body(region_code=LUTANG), headers=w.township.headers
    )
    assert r.status_code == 403
    r = client.post("/api/v1/mediators", json=mediator_body(), headers=w.mediator.headers)
    assert r.status_code == 403
    r = client.post(
        "/api/v1/mediators", json=mediator_body(specialities=[]), headers=w.village.headers
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "specialities"
    r = client.post(
        "/api/v1/mediators", json=mediator_body(username="wushan"), headers=w.village.headers
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "username"
    r = client.post(
        "/api/v1/mediators", json=mediator_body(regions=["431099999999"]), headers=w.village.headers
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "regions"


def test_deactivating_takes_a_mediator_off_new_mediations(client, world):
    w = world
    r = client.patch(
        f"/api/v1/mediators/{w.mediator_id}", json={"is_active": False}, headers=w.village.headers
    )
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert r.json()["specialities"] == ["neighbour", "marriage_family"]
    r = client.post(
        f"/api/v1/cases/{w.number}/mediation",
        json={"mediators": [w.mediator_id], "facts": "邻里纠纷"},
        headers=w.village.headers,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "inactive_mediator"
    r = client.patch(
        f"/api/v1/mediators/{w.mediator_id}", json={"name": "X"}, headers=w.outsider.headers
    )
    assert r.status_code == 404


def test_suggestions_put_the_speciality_and_the_nearest_committee_first(client, world):
    w = world
    add_mediator(
        client,
        w.township,
        name="罗建华",
        organisation="华塘镇人民调解委员会",
        region_code=HUATANG,
        specialities=["neighbour"],
    )
    add_mediator(
        client,
        w.township,
        name="陈国平",
        organisation="华塘镇人民调解委员会",
        region_code=HUATANG,
        specialities=["contract_debt"],
    )
    add_mediator(
        client,
        w.county,
        name="彭永和",
        organisation="鲁塘镇人民调解委员会",
        region_code=LUTANG,
        specialities=["neighbour"],
    )
    add_mediator(
        client,
        w.township,
        name="停用者",
        region_code=HUATANG,
        specialities=["neighbour"],
        is_active=False,
    )
    r = client.get(f"/api/v1/cases/{w.number}/mediation/suggestions", headers=w.township.headers)
    assert r.status_code == 200, r.text
    got = r.json()
    assert [s["mediator"]["name"] for s in got] == ["何秀英", "罗建华", "陈国平"]
    assert got[0]["reasons"][0] == "擅长邻里纠纷"
    assert "服务吴山村" in got[0]["reasons"]
    assert (
        client.get(
            f"/api/v1/cases/{w.number}/mediation/suggestions", headers=w.outsider.headers
        ).status_code
        == 404
    )
    assert RENYI  # the outsider's township
