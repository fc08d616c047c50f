"""Intake uses the classifier, the risk detector and duplicate detection (issue 3)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cli import app as cli
from tests.factories import (
    BEIHU,
    CITY,
    HUATANG,
    RENYI,
    WUSHAN,
    act,
    count_rows,
    make_staff,
    submit,
)

WAGES = (
    "我在华塘镇的建筑工地上做小工，包工头拖欠我们十几个工人三个月的工资，一共四万多元，"
    "多次讨薪都说没钱，请人社部门帮我们追讨工资。"
)
VAGUE = "这个事情我也说不清楚，反正找了好几次都没有人管，麻烦你们看一下。"
LAMP_1 = (
    "吴山村3组村口到小学那段路的路灯坏了一个多月，晚上黑漆漆的，孩子放学和老人走路都不安全，"
    "请尽快派人修好路灯。"
)
LAMP_2 = (
    "村口往小学去的那条路上路灯一直不亮，坏了有一个多月了，晚上孩子放学走路很危险，希望修一下路灯。"
)
OTHER = "我家承包的两亩责任田被邻居占去种了红薯，多次协商对方拒不归还，请村里帮忙调解。"


def _case(client, staff, number):
    r = client.get(f"/api/v1/cases/{number}", headers=staff.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_confident_prediction_sets_the_category_and_routes_the_case(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client, title="工地拖欠工资", description=WAGES, category_code=None)["number"]
    case = _case(client, admin, number)
    # The model says 劳动和社会保障; the words (拖欠…工资, 包工头) narrow it to 劳资欠薪.
    assert case["category_code"] == "0201"
    assert case["category_confirmed"] is False and case["needs_triage"] is False
    prediction = case["prediction"]
    assert prediction["category_name"] == "劳动和社会保障"
    assert prediction["confidence"] >= 0.8
    assert prediction["top"][0][0] == "02"
    assert len(prediction["top"]) == 3 and prediction["model_version"]
    # 劳资欠薪 is a county matter, dispatched to the county's 人社局.
    assert case["tier"] == "county"
    assert case["owner_unit"]["code"] == f"C{BEIHU}"
    assert case["suggested_unit"]["code"] == f"D{BEIHU}-rsj"


def test_a_dispute_type_the_model_never_learned_goes_to_triage(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    text = "我和前夫离婚三年了，孩子判给我抚养，他每个月应付的抚养费已经一年多没给了，请帮忙调解。"
    number = submit(client, title="前夫不付抚养费", description=text, category_code=None)["number"]
    case = _case(client, admin, number)
    assert case["prediction"]["category_code"] != "08"  # the model has no 政法 class at all
    assert case["needs_triage"] is True and case["category_code"] is None
    queue = client.get("/api/v1/triage", headers=admin.headers).json()["items"]
    suggestion = next(item for item in queue if item["number"] == number)["keyword_suggestion"]
    assert suggestion[:2] == ["0801", "婚姻家庭"] and "抚养费" in suggestion[2]


def test_a_first_level_prediction_without_telling_words_stays_first_level(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    text = (
        "华塘镇中心小学今年秋季开学以来，学生午餐质量明显下降，家长们很有意见，希望教育部门核查。"
    )
    number = submit(client, title="学校午餐", description=text, category_code=None)["number"]
    case = _case(client, admin, number)
    assert case["category_code"] in {"03", "0301"}
    assert case["needs_triage"] is False


def test_unsure_prediction_waits_in_triage_until_a_person_confirms(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    other_town = make_staff(db, "renyi", Role.township, RENYI, unit=f"C{RENYI}")
    number = submit(client, title="", description=VAGUE, category_code=None)["number"]
    case = _case(client, town, number)
    assert case["needs_triage"] is True and case["category_code"] is None
    assert case["prediction"]["confidence"] < 0.8
    queue = client.get("/api/v1/triage", headers=town.headers).json()
    assert [item["number"] for item in queue["items"]] == [number]
    assert client.get("/api/v1/triage", headers=other_town.headers).json()["total"] == 0

    r = act(client, town, number, "categorize", category_code="0802", note="邻里纠纷")
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["category_code"] == "0802" and after["category_confirmed"] is True
    assert after["needs_triage"] is False
    # Not yet accepted, so it moves to the tier its category calls for: the village.
    assert after["owner_unit"]["code"] == f"C{WUSHAN}" and after["tier"] == "village"
    assert client.get("/api/v1/triage", headers=town.headers).json()["total"] == 0
    events = client.get(f"/api/v1/cases/{number}/events", headers=town.headers).json()
    assert events[-1]["action"] == "categorize"
    assert events[-1]["data"]["to"] == "0802" and events[-1]["data"]["from"] is None


def test_staff_category_at_intake_is_confirmed_and_an_unknown_one_is_refused(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    r = client.post(
        "/api/v1/cases",
        json={
            "description": WAGES,
            "region_code": WUSHAN,
            "category_code": "0201",
            "submitter": {"phone": "13907351234"},
        },
        headers=admin.headers,
    )
    case = _case(client, admin, r.json()["number"])
    assert case["category_code"] == "0201" and case["category_confirmed"] is True
    bad = act(client, admin, case["number"], "categorize", category_code="7777")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_category"


def test_high_risk_case_raises_an_alert_and_notifies_the_township_centre(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    text = (
        "老板拖欠我八个月工资不给，家里老人等着钱看病，我实在活不下去了，"
        "明天就从他的工地楼顶跳下去。"
    )
    number = submit(client, title="讨薪无门", description=text, category_code=None)["number"]
    case = _case(client, town, number)
    assert case["risk_level"] == "critical"
    assert case["risk_reasons"]
    alerts = client.get("/api/v1/alerts", headers=town.headers).json()
    assert alerts["total"] == 1
    alert = alerts["items"][0]
    assert alert["rule"] == "risk" and alert["level"] == "critical"
    assert [c["number"] for c in alert["cases"]] == [number]
    assert alert["reasons"] == case["risk_reasons"]
    inbox = client.get("/api/v1/notifications", headers=town.headers).json()
    assert [n["case_number"] for n in inbox] == [number]

    r = client.post(
        f"/api/v1/alerts/{alert['id']}/acknowledge",
        json={"note": "已联系本人"},
        headers=town.headers,
    )
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=town.headers)
    assert r.status_code == 409
    r = client.post(
        f"/api/v1/alerts/{alert['id']}/close", json={"note": "工资已结清"}, headers=town.headers
    )
    assert r.json()["status"] == "closed"
    read = client.post(f"/api/v1/notifications/{inbox[0]['id']}/read", headers=town.headers)
    assert read.json()["read_at"] is not None


def test_ordinary_case_raises_no_alert(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    submit(client, description=OTHER)
    assert client.get("/api/v1/alerts", headers=town.headers).json()["total"] == 0
    assert count_rows(db, "notifications") == 0


def test_alerts_are_scoped_like_cases(client, db):
    other_town = make_staff(db, "renyi", Role.township, RENYI, unit=f"C{RENYI}")
    text = "他再不还钱，我就拿刀去他家跟他同归于尽，大不了一起死。"
    submit(client, description=text)
    assert client.get("/api/v1/alerts", headers=other_town.headers).json()["total"] == 0
    dept = make_staff(db, "beihu_rsj", Role.department, BEIHU, unit=f"D{BEIHU}-rsj")
    assert client.get("/api/v1/alerts", headers=dept.headers).json()["total"] == 0
    r = client.post("/api/v1/alerts/1/close", headers=other_town.headers)
    assert r.status_code == 404


def test_same_matter_in_other_words_is_linked_and_can_be_merged(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    first = submit(client, title="村口路灯坏了", description=LAMP_1, category_code=None)
    second = submit(
        client,
        title="路灯不亮",
        description=LAMP_2,
        category_code=None,
        submitter={"name": "王女士", "phone": "13800001111"},
    )
    unrelated = submit(client, title="责任田被占", description=OTHER, category_code=None)

    dups = client.get(f"/api/v1/cases/{second['number']}/duplicates", headers=town.headers).json()
    assert [d["number"] for d in dups] == [first["number"]]
    assert dups[0]["link_status"] == "suggested" and dups[0]["score"] >= 0.4
    none = client.get(f"/api/v1/cases/{unrelated['number']}/duplicates", headers=town.headers)
    assert none.json() == []

    r = act(client, town, second["number"], "merge", into=first["number"], note="同一路段路灯")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed"
    first_events = client.get(f"/api/v1/cases/{first['number']}/events", headers=town.headers)
    assert first_events.json()[-1]["action"] == "link"
    assert first_events.json()[-1]["data"] == {"merged": second["number"]}
    dups = client.get(f"/api/v1/cases/{first['number']}/duplicates", headers=town.headers).json()
    assert dups[0]["link_status"] == "merged"
    tracked = client.get(f"/api/v1/track/{second['number']}", params={"code": second["query_code"]})
    assert tracked.json()["merged_into"] == first["number"]
    assert "已合并办理" in tracked.json()["timeline"][-1]["text"]


def test_merge_input_errors(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    a = submit(client, description=LAMP_1)["number"]
    r = act(client, town, a, "merge", into=a)
    assert r.status_code == 422 and r.json()["error"]["code"] == "merge_into_self"
    r = act(client, town, a, "merge")
    assert r.status_code == 422
    elsewhere = submit(client, description=LAMP_2, region_code="431021102003")["number"]
    r = act(client, town, a, "merge", into=elsewhere)
    assert r.status_code == 404  # out of scope reads as not found


def test_dismissed_suggestion_stays_dismissed(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    first = submit(client, description=LAMP_1)["number"]
    second = submit(client, description=LAMP_2)["number"]
    r = client.post(f"/api/v1/cases/{second}/duplicates/{first}/dismiss", headers=town.headers)
    assert r.status_code == 200 and r.json()[0]["link_status"] == "dismissed"
    again = client.post(f"/api/v1/cases/{second}/duplicates/{first}/dismiss", headers=town.headers)
    assert again.status_code == 404


def test_classify_command_prints_one_json_object_per_line_in_order(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["classify", "--json", WAGES])
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["category"] == "劳动和社会保障"
    assert 0 <= result["confidence"] <= 1 and len(result["top"]) == 3
    # Many workers owed wages: a collective matter, worth watching but not yet high.
    assert result["risk"]["level"] == "elevated" and result["risk"]["reasons"]
    texts = tmp_path / "in.txt"
    texts.write_text(
        "\n".join([WAGES, LAMP_1, "我不想活了，明天就去喝农药。"]) + "\n", encoding="utf-8"
    )
    r = runner.invoke(cli, ["classify", "--json", "--file", str(texts)])
    lines = [json.loads(line) for line in r.output.splitlines()]
    assert len(lines) == 3
    assert lines[0]["category"] == "劳动和社会保障"
    assert lines[1]["risk"] == {"level": "normal", "reasons": []}
    assert lines[2]["risk"]["level"] == "critical"


def test_duplicate_score_separates_same_matter_from_different_matters():
    import csv
    from pathlib import Path

    from jieyou.cases.duplicates import similarity
    from jieyou.config import DuplicateSettings

    threshold = DuplicateSettings().threshold
    text = (Path(__file__).parents[1] / "data/duplicate_pairs.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    same = [similarity(r["a"], r["b"]) for r in rows if r["label"] == "same"]
    diff = [similarity(r["a"], r["b"]) for r in rows if r["label"] == "diff"]
    assert sum(s >= threshold for s in same) >= len(same) - 1
    assert sum(d >= threshold for d in diff) <= 1
    assert sorted(same)[len(same) // 2] > sorted(diff)[len(diff) // 2] + 0.2
