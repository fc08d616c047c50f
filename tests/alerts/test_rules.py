"""Early warning across cases (预警): each rule fires when it should and not otherwise, and the
scan is idempotent. Cases are filed through intake at chosen past times; the scan runs as the
worker runs it, in its own unit of work at a given ``now``."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_user
from jieyou.alerts import rules
from jieyou.alerts.jobs import ScanReport, apply, detect, scan
from jieyou.alerts.models import Alert, AlertCase, AlertStatus, Notification
from jieyou.alerts.repository import CaseRow
from jieyou.alerts.service import close_alert
from jieyou.cases.duplicates import Profile
from jieyou.cases.intake import submit_case
from jieyou.cases.models import Case
from jieyou.cases.schemas import CaseCreate
from jieyou.db import Database
from jieyou.privacy import mask_phone
from tests.factories import BEIHU, CITY, HUATANG, RENYI, WUSHAN, ZHAOLV, case_body

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # noon in Chenzhou
SANHE = "431002101203"  # 华塘镇三合村
SHISHANTOU = "431002101204"  # 华塘镇石山头村
HUATANG_VILLAGES = ["431002101001", "431002101200", WUSHAN, ZHAOLV, SANHE, SHISHANTOU]
TAISHANLI = "431002102200"  # 鲁塘镇太山里村
HUAPING = "431021102003"  # 仁义镇花坪社区

# Ten complaints about different things (pairwise similarity below 0.2), with a category each.
TEXTS: list[tuple[str, str, str]] = [
    (
        "邻居违建挡住采光",
        "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
        "0802",
    ),
    (
        "责任田被占",
        "我家承包的两亩责任田被邻居占去种了红薯，多次协商对方拒不归还，请村里帮忙调解。",
        "1003",
    ),
    (
        "小区电梯故障",
        "我们小区三号楼的电梯上个星期坏了，物业一直不派人修，老人上下楼非常困难。",
        "0101",
    ),
    ("养猪场臭味", "村后面新开的养猪场每天排放污水，臭味很大，晚上都不敢开窗户。", "0501"),
    ("学校门口摊贩", "学校门口每天放学时有很多流动摊贩占道经营，接送孩子的车辆堵成一团。", "0302"),
    (
        "医保报销",
        "我母亲住院花了两万多元，到现在医保报销还没有办下来，跑了三趟都说材料不全。",
        "0202",
    ),
    ("快递丢件", "我网购的电饭煲显示已签收，但我根本没有收到，快递网点不承认丢件。", "0401"),
    ("烧烤店扰民", "楼下的烧烤店每天营业到凌晨两点，油烟和噪音让我们整栋楼都睡不好觉。", "0502"),
    (
        "公交班次太少",
        "从镇上到城区的公交车一天只有两班，上班上学的人都赶不上，希望增加班次。",
        "0702",
    ),
    ("自来水浑浊", "这半个月家里的自来水一直发黄浑浊，烧开后还有沉淀，不敢给孩子喝。", "0602"),
]
# One matter in different words (pairwise similarity 0.5–0.7).
LAMPS = [
    "吴山村3组村口到小学那段路的路灯坏了一个多月，晚上黑漆漆的，孩子放学和老人走路都不安全，请尽快派人修好路灯。",
    "村口往小学去的那条路上路灯一直不亮，坏了有一个多月了，晚上孩子放学走路很危险，希望修一下路灯。",
    "去小学那条路的路灯坏了很久都没人修，天黑以后孩子放学回家看不见路，请派人把路灯修好。",
    "村口那一排路灯坏了一个多月，晚上出门一片漆黑，老人孩子走路容易摔跤，请尽快修复路灯。",
]
LAMP_CATEGORIES = ["0103", "0702", "1201", "0804"]  # residents filed them all differently


_TICK = itertools.count(1)


def phone(i: int) -> str:
    return f"1370735{i:04d}"


def file_case(
    db: Database,
    *,
    days_ago: float,
    text: int = 0,
    region: str = WUSHAN,
    submitter: str = "13907351234",
    parties: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> str:
    """A case filed through intake ``days_ago`` days before NOW; returns its number."""
    title, description, category = TEXTS[text]
    body = case_body(
        title=title,
        description=description,
        category_code=category,
        region_code=region,
        address=None,
        submitter={"name": "李秀英", "phone": submitter},
        parties=parties or [],
    )
    body.update(overrides)
    # A microsecond apart from every other test's case: ids are reused after each rollback, and
    # the duplicate detector caches text profiles by (id, created_at).
    at = NOW - timedelta(days=days_ago, microseconds=next(_TICK))
    with db.unit_of_work() as s:
        case = submit_case(s, data=CaseCreate.model_validate(body), actor=None, now=at)
        return case.number or ""


def run_scan(db: Database, now: datetime = NOW) -> ScanReport:
    with db.unit_of_work() as s:
        return scan(s, now=now)


def alerts(db: Database, rule: str) -> list[tuple[Alert, list[str]]]:
    """Alerts of ``rule``, oldest first, with the numbers of their cases."""
    with db.unit_of_work(write=False) as s:
        found = s.scalars(select(Alert).where(Alert.rule == rule).order_by(Alert.id)).all()
        out = []
        for alert in found:
            numbers = s.scalars(
                select(Case.number)
                .join(AlertCase, AlertCase.case_id == Case.id)
                .where(AlertCase.alert_id == alert.id)
                .order_by(Case.id)
            ).all()
            out.append((alert, [n or "" for n in numbers]))
        return out


def close(db: Database, alert_id: int) -> None:
    with db.unit_of_work() as s:
        admin = create_user(s, username="closer", role=Role.admin, region_code=CITY)
        alert = s.get(Alert, alert_id)
        assert alert is not None
        close_alert(s, alert, actor_id=admin.id, note="已处理", now=NOW)


# --- repeat ------------------------------------------------------------------------------


def test_three_cases_from_one_phone_in_30_days_raise_one_repeat_alert(db):
    numbers = [
        file_case(db, days_ago=20, text=0, region=WUSHAN),
        file_case(db, days_ago=9, text=1, region=ZHAOLV),
        file_case(db, days_ago=1, text=2, region=WUSHAN),
    ]
    report = run_scan(db)
    assert report.raised_by_rule["repeat"] == 1
    [(alert, linked)] = alerts(db, "repeat")
    assert linked == numbers
    assert alert.level == "elevated" and alert.status == "open"
    # Two villages of 华塘镇: the township is the region the cases share.
    assert alert.region_code == HUATANG
    assert "139****1234" in alert.title and "13907351234" not in alert.title
    assert not any("13907351234" in r for r in alert.reasons)
    assert "3 件" in alert.reasons[0]
    assert alert.reasons[1] == "日期：11月7日、11月18日、11月26日"
    assert alert.key == "phone:13907351234"
    assert alert.data["count"] == 3 and alert.data["phone"] == "139****1234"
    with db.unit_of_work(write=False) as s:
        notes = s.scalars(select(Notification).where(Notification.alert_id == alert.id)).all()
    assert [n.kind for n in notes] == ["alert.repeat"]
    assert "139****1234" in notes[0].subject


def test_two_cases_from_one_phone_raise_nothing(db):
    file_case(db, days_ago=5, text=0)
    file_case(db, days_ago=2, text=1)
    assert not run_scan(db).changed
    assert alerts(db, "repeat") == []


def test_a_case_older_than_30_days_does_not_count(db):
    file_case(db, days_ago=31, text=0)
    file_case(db, days_ago=10, text=1)
    file_case(db, days_ago=2, text=2)
    run_scan(db)
    assert alerts(db, "repeat") == []
    # …but a day and a half earlier the same three were in one window.
    run_scan(db, NOW - timedelta(days=1.5))
    assert len(alerts(db, "repeat")) == 1


def test_five_cases_make_the_repeat_alert_high(db):
    for i in range(5):
        file_case(db, days_ago=25 - 5 * i, text=i)
    run_scan(db)
    [(alert, linked)] = alerts(db, "repeat")
    assert alert.level == "high" and len(linked) == 5


def test_rescanning_raises_nothing_new_and_new_cases_join_the_open_alert(db):
    for i in range(3):
        file_case(db, days_ago=10 - i, text=i)
    first = run_scan(db)
    again = run_scan(db)
    assert len(first.raised) == 1
    assert again.raised == [] and again.updated == [] and again.found["repeat"] == 1
    [(alert, linked)] = alerts(db, "repeat")
    assert len(linked) == 3

    fourth = file_case(db, days_ago=0.5, text=3)
    report = run_scan(db)
    assert report.raised == [] and report.updated == [alert.id]
    [(same, linked)] = alerts(db, "repeat")
    assert same.id == alert.id and linked[-1] == fourth and len(linked) == 4
    assert "4 件" in same.title
    # Five cases raise the level, and the centre hears about it.
    file_case(db, days_ago=0.2, text=4)
    run_scan(db)
    [(same, linked)] = alerts(db, "repeat")
    assert same.level == "high" and len(linked) == 5
    with db.unit_of_work(write=False) as s:
        subjects = s.scalars(
            select(Notification.subject).where(Notification.alert_id == alert.id)
        ).all()
    assert len(subjects) == 2 and subjects[1].startswith("预警升级")


def test_an_acknowledged_alert_still_gathers_new_cases(db):
    for i in range(3):
        file_case(db, days_ago=10 - i, text=i)
    run_scan(db)
    [(alert, _)] = alerts(db, "repeat")
    with db.unit_of_work() as s:
        a = s.get(Alert, alert.id)
        assert a is not None
        a.status = AlertStatus.acknowledged.value
    file_case(db, days_ago=1, text=3)
    report = run_scan(db)
    assert report.raised == [] and report.updated == [alert.id]
    [(same, linked)] = alerts(db, "repeat")
    assert same.status == "acknowledged" and len(linked) == 4


def test_a_closed_alert_is_not_raised_again_until_enough_new_cases_come(db):
    old = [file_case(db, days_ago=10 - i, text=i) for i in range(3)]
    run_scan(db)
    [(alert, _)] = alerts(db, "repeat")
    close(db, alert.id)
    assert not run_scan(db).changed

    file_case(db, days_ago=0.9, text=3)
    file_case(db, days_ago=0.8, text=4)
    assert not run_scan(db).changed  # two new cases are not three
    third = file_case(db, days_ago=0.7, text=5)
    report = run_scan(db)
    assert len(report.raised) == 1
    (closed, _), (new, linked) = alerts(db, "repeat")
    assert closed.status == "closed" and new.status == "open"
    assert third in linked and not set(old) & set(linked) and len(linked) == 3


def test_an_alert_closed_between_detecting_and_applying_is_not_raised_again(db):
    for i in range(3):
        file_case(db, days_ago=10 - i, text=i)
    run_scan(db)
    [(alert, _)] = alerts(db, "repeat")
    with db.unit_of_work(write=False) as s:
        findings = detect(s, now=NOW)
    close(db, alert.id)
    with db.unit_of_work() as s:
        report = apply(s, findings, now=NOW)
    assert report.raised == [] and report.updated == []
    assert [a.status for a, _ in alerts(db, "repeat")] == ["closed"]


def test_one_party_named_by_different_people_raises_a_party_alert(db):
    respondent = [{"role": "respondent", "name": "王建国", "phone": "13807359876"}]
    numbers = [
        file_case(db, days_ago=12 - i, text=i, submitter=phone(i), parties=respondent)
        for i in range(3)
    ]
    # Same name, another phone: another person.
    file_case(
        db,
        days_ago=1,
        text=3,
        submitter=phone(3),
        parties=[{"role": "respondent", "name": "王建国", "phone": "13807350000"}],
    )
    run_scan(db)
    [(alert, linked)] = alerts(db, "repeat")
    assert linked == numbers
    assert alert.key == "party:13807359876:王建国"
    assert "王建国（138****9876）" in alert.title and "13807359876" not in alert.title
    assert "来自 3 个号码" in alert.reasons[0]


def test_one_person_naming_the_same_respondent_is_one_phone_alert_not_two(db):
    respondent = [{"role": "respondent", "name": "王建国", "phone": "13807359876"}]
    for i in range(3):
        file_case(db, days_ago=5 - i, text=i, parties=respondent)
    run_scan(db)
    assert [a.key for a, _ in alerts(db, "repeat")] == ["phone:13907351234"]


def test_one_address_written_differently_raises_an_address_alert(db):
    written = ["吴山村3组12号", "吴山村 3组-12号", "吴山村３组１２号"]
    numbers = [
        file_case(db, days_ago=20 - 5 * i, text=i, submitter=phone(i), address=a)
        for i, a in enumerate(written)
    ]
    file_case(db, days_ago=1, text=3, submitter=phone(3), address="吴山村3组21号")
    run_scan(db)
    [(alert, linked)] = alerts(db, "repeat")
    assert linked == numbers
    assert alert.key.startswith("address:") and "吴山村3组12号" in alert.title
    assert alert.region_code == WUSHAN


def test_the_same_cases_under_one_party_at_one_address_are_one_alert(db):
    respondent = [{"role": "respondent", "name": "王建国", "phone": "13807359876"}]
    for i in range(3):
        file_case(
            db,
            days_ago=5 - i,
            text=i,
            submitter=phone(i),
            parties=respondent,
            address="吴山村3组12号",
        )
    run_scan(db)
    assert [a.key for a, _ in alerts(db, "repeat")] == ["party:13807359876:王建国"]
    # Closing it does not let the address rule raise the same cases again.
    close(db, alerts(db, "repeat")[0][0].id)
    assert not run_scan(db).changed


def test_a_bare_village_name_as_address_is_not_a_repeat(db):
    for i in range(4):
        file_case(db, days_ago=10 - i, text=i, submitter=phone(i), address="吴山村")
    run_scan(db)
    assert alerts(db, "repeat") == []


def test_address_normalisation_and_specificity():
    assert rules.is_specific_address("吴山村3组12号")
    assert rules.is_specific_address("幸福小区5栋2单元")
    assert not rules.is_specific_address("吴山村3组")
    assert not rules.is_specific_address("华塘镇政府对面")
    assert mask_phone("13812341234") == "138****1234"
    assert rules.common_path(["431002101201", "431002101202"]) == "431002101"
    assert rules.common_path(["43100210120101", "43100210120102"]) == "431002101201"
    assert rules.common_path(["431002101201", "431021102003"]) == "4310"


# --- cluster -----------------------------------------------------------------------------


def lamp(db: Database, i: int, *, days_ago: float, region: str = WUSHAN, who: int | None = None):
    return file_case(
        db,
        days_ago=days_ago,
        region=region,
        submitter=phone(i if who is None else who),
        title="路灯坏了",
        description=LAMPS[i],
        category_code=LAMP_CATEGORIES[i],
    )


def test_three_similar_cases_in_one_village_in_7_days_raise_a_cluster_alert(db):
    numbers = [lamp(db, i, days_ago=6 - 2 * i) for i in range(3)]
    file_case(db, days_ago=1, text=9, submitter=phone(9))  # same village, another matter
    report = run_scan(db)
    assert report.raised_by_rule["cluster"] == 1
    [(alert, linked)] = alerts(db, "cluster")
    assert linked == numbers
    assert alert.region_code == WUSHAN and alert.key == f"cluster:{WUSHAN}"
    assert alert.level == "elevated"
    assert "吴山村" in alert.title and "3 件" in alert.title
    assert any("内容相近" in r and "来自 3 个号码" in r for r in alert.reasons)
    assert alert.data["groups"][0]["count"] == 3
    with db.unit_of_work(write=False) as s:
        kinds = s.scalars(select(Notification.kind).where(Notification.alert_id == alert.id))
        assert list(kinds) == ["alert.cluster"]
    assert not run_scan(db).changed


def test_three_cases_of_one_category_in_one_village_are_a_cluster(db):
    for i in range(3):
        file_case(db, days_ago=3 - i, text=i, submitter=phone(i), category_code="0802")
    run_scan(db)
    [(alert, linked)] = alerts(db, "cluster")
    assert len(linked) == 3 and "“邻里纠纷”类诉求 3 件" in alert.title


def test_two_similar_cases_are_not_a_cluster(db):
    lamp(db, 0, days_ago=2)
    lamp(db, 1, days_ago=1)
    file_case(db, days_ago=1, text=9, submitter=phone(9))
    run_scan(db)
    assert alerts(db, "cluster") == []


def test_similar_cases_more_than_7_days_apart_are_not_a_cluster(db):
    lamp(db, 0, days_ago=8)
    lamp(db, 1, days_ago=3)
    lamp(db, 2, days_ago=1)
    run_scan(db)
    assert alerts(db, "cluster") == []


def test_similar_cases_across_two_villages_are_not_a_cluster(db):
    lamp(db, 0, days_ago=3)
    lamp(db, 1, days_ago=2)
    lamp(db, 2, days_ago=1, region=ZHAOLV)
    run_scan(db)
    assert alerts(db, "cluster") == []


def test_unrelated_cases_in_one_village_are_not_a_cluster(db):
    for i in range(5):
        file_case(db, days_ago=5 - i, text=i, submitter=phone(i))
    run_scan(db)
    assert alerts(db, "cluster") == []


def test_one_persons_similar_cases_are_a_repeat_not_a_cluster(db):
    for i in range(3):
        lamp(db, i, days_ago=3 - i, who=7)
    run_scan(db)
    assert alerts(db, "cluster") == []
    assert len(alerts(db, "repeat")) == 1


def test_a_growing_cluster_is_one_alert_and_turns_high_at_five(db):
    for i in range(3):
        lamp(db, i, days_ago=5 - i)
    run_scan(db)
    lamp(db, 3, days_ago=1)
    file_case(db, days_ago=1, text=2, submitter=phone(8), title="路灯又坏了", description=LAMPS[0])
    report = run_scan(db)
    assert report.raised == [] and len(report.updated) == 1
    [(alert, linked)] = alerts(db, "cluster")
    assert len(linked) == 5 and alert.level == "high"


def test_a_closed_cluster_is_not_raised_again_for_the_same_cases(db):
    for i in range(3):
        lamp(db, i, days_ago=3 - i)
    run_scan(db)
    [(alert, _)] = alerts(db, "cluster")
    close(db, alert.id)
    lamp(db, 3, days_ago=0.5)  # one more like them: no cluster of its own
    assert not run_scan(db).changed
    assert [a.status for a, _ in alerts(db, "cluster")] == ["closed"]


def test_similar_groups_join_by_category_or_text():
    texts = [LAMPS[0], LAMPS[1], TEXTS[0][1], TEXTS[1][1], TEXTS[3][1]]
    categories = ["0103", None, "0802", "0802", "0501"]
    rows = [
        CaseRow(i, f"N{i}", NOW, WUSHAN, HUATANG[:9], phone(i), category, None, "t")
        for i, category in enumerate(categories)
    ]
    profiles = [Profile.of(t) for t in texts]
    assert rules.similar_groups(rows, profiles, threshold=0.4) == [[0, 1], [2, 3], [4]]


# --- spike -------------------------------------------------------------------------------


def history(db: Database) -> None:
    """One case nine weeks ago, elsewhere: the system has a full baseline behind it."""
    file_case(db, days_ago=64, text=9, region=HUAPING, submitter=phone(999))


def building(db: Database, n: int, *, days_ago: float, township_villages: list[str], start=0):
    """``n`` 城乡建设 cases from different people in different villages, all unlike each other."""
    return [
        file_case(
            db,
            days_ago=days_ago + i * 0.1,
            text=i % len(TEXTS),
            region=township_villages[i % len(township_villages)],
            submitter=phone(start + i),
            category_code=["0101", "0103", "0105"][i % 3],
        )
        for i in range(n)
    ]


def test_a_township_category_far_above_its_baseline_raises_a_spike(db):
    history(db)
    building(db, 1, days_ago=30, township_villages=HUATANG_VILLAGES, start=500)
    numbers = building(db, 6, days_ago=1, township_villages=HUATANG_VILLAGES)
    report = run_scan(db)
    assert report.raised_by_rule["spike"] == 1
    [(alert, linked)] = alerts(db, "spike")
    assert sorted(linked) == sorted(numbers)
    assert alert.region_code == HUATANG and alert.key == "spike:431002101:01"
    assert "华塘镇" in alert.title and "城乡建设" in alert.title and "6 件" in alert.title
    data = alert.data
    assert data["baseline_weeks"] == 8 and data["baseline_total"] == 1
    assert data["baseline_by_week"] == [0, 0, 0, 1, 0, 0, 0, 0] and data["dispersion"] == 1
    assert data["count"] == 6 and data["threshold"] == 5
    assert data["p_value"] < rules.SPIKE_ALPHA
    assert alert.level == "elevated"
    assert not run_scan(db).changed


def test_the_same_count_is_no_spike_where_the_baseline_is_already_high(db):
    history(db)
    # 鲁塘镇: five 城乡建设 cases a week for eight weeks.
    lutang_villages = [TAISHANLI, "431002102201", "431002102001"]
    for week in range(8):
        building(
            db, 5, days_ago=8 + 7 * week, township_villages=lutang_villages, start=100 + week * 5
        )
    building(db, 7, days_ago=1, township_villages=lutang_villages, start=200)
    building(db, 7, days_ago=1, township_villages=HUATANG_VILLAGES, start=300)
    run_scan(db)
    spikes = alerts(db, "spike")
    assert [a.region_code for a, _ in spikes] == [HUATANG]


def test_a_small_count_is_no_spike_even_from_nothing(db):
    history(db)
    building(db, 4, days_ago=1, township_villages=HUATANG_VILLAGES)
    run_scan(db)
    assert alerts(db, "spike") == []


def test_a_burst_outside_the_window_is_no_spike(db):
    history(db)
    building(db, 6, days_ago=8, township_villages=HUATANG_VILLAGES)
    run_scan(db)
    assert alerts(db, "spike") == []


def test_no_spike_without_a_week_of_history(db):
    building(db, 8, days_ago=1, township_villages=HUATANG_VILLAGES)
    run_scan(db)
    assert alerts(db, "spike") == []


def test_other_categories_do_not_add_up_to_a_spike(db):
    history(db)
    for i in range(6):
        file_case(db, days_ago=1 + i * 0.1, text=i, region=HUATANG_VILLAGES[i], submitter=phone(i))
    run_scan(db)
    assert alerts(db, "spike") == []


@pytest.mark.parametrize(
    ("baseline", "weeks", "threshold"),
    [(0, 8, 5), (2, 8, 5), (8, 8, 7), (40, 8, 15), (160, 8, 40), (0, 1, 9)],
)
def test_spike_threshold(baseline, weeks, threshold):
    assert rules.spike_threshold(baseline, weeks) == threshold


def test_spike_tail_is_the_negative_binomial_tail():
    import math

    def direct(count: int, baseline: int, weeks: int) -> float:
        r, p = baseline + rules.SPIKE_PRIOR_SHAPE, weeks / (weeks + 1)
        pmf = [
            math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * math.log(p))
            * (1 - p) ** k
            for k in range(count)
        ]
        return 1 - sum(pmf)

    for count, baseline, weeks in [(3, 0, 8), (7, 8, 8), (12, 16, 4), (1, 0, 8)]:
        assert rules.spike_tail(count, baseline, weeks) == pytest.approx(
            direct(count, baseline, weeks), rel=1e-6
        )


def test_a_baseline_that_swings_from_week_to_week_needs_a_larger_count():
    steady, swinging = [6] * 8, [0, 12] * 4
    assert rules.dispersion(steady) == 1.0
    assert rules.dispersion(swinging) == pytest.approx(6.86, abs=0.01)
    assert rules.dispersion([0] * 8) == 1.0
    # 48 cases in 8 weeks either way: 17 in a week alert against the steady baseline; against
    # the swinging one it takes 43.
    assert rules.spike_threshold(48, 8) == 17
    assert rules.spike_threshold(48, 8, rules.dispersion(swinging)) == 43


def test_baseline_weeks_counts_whole_weeks_of_history():
    start = NOW - timedelta(days=7)
    assert rules.baseline_weeks(None, start) == 0
    assert rules.baseline_weeks(start - timedelta(days=6), start) == 0
    assert rules.baseline_weeks(start - timedelta(days=15), start) == 2
    assert rules.baseline_weeks(start - timedelta(days=400), start) == 8


def test_the_scan_report_says_what_happened(db):
    for i in range(3):
        file_case(db, days_ago=3 - i, text=i, region=[WUSHAN, ZHAOLV, SANHE][i])
    report = run_scan(db)
    assert str(report) == "预警扫描：新增 1（repeat 1），更新 0"
    assert report.now == NOW and report.found == {"repeat": 1}
    assert dict(report.rows())["early-warning alerts raised"] == 1


def test_the_county_region_of_a_repeat_across_townships(db):
    file_case(db, days_ago=3, text=0, region=WUSHAN)
    file_case(db, days_ago=2, text=1, region=TAISHANLI)
    file_case(db, days_ago=1, text=2, region=WUSHAN)
    run_scan(db)
    [(alert, _)] = alerts(db, "repeat")
    assert alert.region_code == BEIHU


def test_a_repeat_alert_widens_when_the_person_turns_to_another_county(db):
    for i in range(3):
        file_case(db, days_ago=5 - i, text=i, region=WUSHAN)
    run_scan(db)
    [(alert, _)] = alerts(db, "repeat")
    assert alert.region_code == WUSHAN
    file_case(db, days_ago=1, text=3, region=RENYI)
    run_scan(db)
    [(alert, linked)] = alerts(db, "repeat")
    assert alert.region_code == "431000000000" and len(linked) == 4
