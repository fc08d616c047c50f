from __future__ import annotations

import datetime
import random
import re
from collections import Counter

import pytest

from jieyou.demo.texts import (
    SUPPORTED_CATEGORIES,
    DemoParty,
    DemoText,
    make_text,
    random_mobile,
    random_name,
)

# The second-level categories of src/jieyou/data/categories.csv, as "code name".
CATEGORY_LIST = """
0101 物业纠纷, 0102 房屋质量, 0103 市政设施, 0104 征地拆迁, 0105 违章建筑, 0201 劳资欠薪,
0202 社会保险, 0203 工伤纠纷, 0301 学校管理, 0302 校园安全, 0303 文体设施, 0401 消费纠纷,
0402 旅游纠纷, 0403 食品安全, 0501 环境污染, 0502 噪声扰民, 0503 垃圾处理, 0601 医疗纠纷,
0602 公共卫生, 0701 交通事故, 0702 道路出行, 0801 婚姻家庭, 0802 邻里纠纷, 0803 合同债务,
0804 治安纠纷, 0805 损害赔偿, 0901 低保救助, 0902 养老服务, 0903 殡葬事务, 1001 宅基地,
1002 山林土地, 1003 土地承包, 1004 农资纠纷, 1005 水利灌溉, 1101 土地权属, 1102 矿产资源,
1201 信访事项, 1299 其他事项
"""
EXPECTED_CODES = set(re.findall(r"\b(\d{4}) ", CATEGORY_LIST))
# (place, the part that must appear in the text)
PLACES = [
    ("北湖区华塘镇吴山村", "吴山村"),
    ("苏仙区王仙岭街道五连冠社区", "五连冠社区"),
    ("桂阳县仁义镇", "仁义镇"),
    ("汝城县热水镇热水村", "热水村"),
    ("嘉禾县珠泉镇", "珠泉镇"),
]
DATES = [datetime.date(2026, m, d) for m, d in [(1, 8), (2, 20), (4, 1), (7, 15), (8, 25), (12, 3)]]
MOBILE = re.compile(r"^1[3-9]\d{9}$")
ROLES = {"applicant", "respondent", "third_party"}
RISKS = {"low", "normal", "high", "critical"}


def _sample(seed: int, code: str) -> tuple[DemoText, str, datetime.date]:
    rng = random.Random(seed)
    place, must = PLACES[seed % len(PLACES)]
    when = DATES[seed % len(DATES)]
    return make_text(rng, category_code=code, place=place, when=when), must, when


def test_supported_categories_are_exactly_the_second_level_codes() -> None:
    assert len(EXPECTED_CODES) == 38
    assert isinstance(SUPPORTED_CATEGORIES, frozenset)
    assert set(SUPPORTED_CATEGORIES) == EXPECTED_CODES


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_samples_are_well_formed(code: str) -> None:
    for i in range(30):
        text, must, when = _sample(int(code) * 100 + i, code)
        assert isinstance(text, DemoText)
        assert 0 < len(text.title) <= 40
        assert 40 <= len(text.description) <= 600
        assert must in text.description
        assert "{" not in text.description + text.title
        assert text.risk_hint in RISKS
        assert 1 <= len(text.parties) <= 3
        assert text.parties[0].role == "applicant"
        assert all(p.role in ROLES for p in text.parties)
        for party in text.parties:
            assert isinstance(party, DemoParty)
            assert party.name
            assert party.phone is None or MOBILE.match(party.phone)
        # Relative months stay in the past of the submission date.
        for month in re.findall(r"今年(\d+)月", text.description):
            assert int(month) < when.month
        assert str(when.year + 1) not in text.description


def test_same_seed_same_output() -> None:
    def run(seed: int) -> list[DemoText]:
        rng = random.Random(seed)
        return [
            make_text(rng, category_code=code, place="北湖区华塘镇吴山村", when=DATES[0])
            for code in sorted(SUPPORTED_CATEGORIES)
        ]

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_variety() -> None:
    rng = random.Random(7)
    codes = sorted(SUPPORTED_CATEGORIES)
    texts = [
        make_text(rng, category_code=codes[i % len(codes)], place=p, when=d)
        for i in range(500)
        for p, d in [(PLACES[i % len(PLACES)][0], DATES[i % len(DATES)])]
    ]
    assert len({t.description for t in texts}) >= 450
    assert len({t.title for t in texts}) >= 120
    assert len({t.parties[0].name for t in texts}) >= 400


def test_every_category_has_at_least_three_templates() -> None:
    from jieyou.demo.texts import _TEMPLATES

    for code in SUPPORTED_CATEGORIES:
        assert len({t.body for t in _TEMPLATES[code]}) >= 3, code


def test_every_template_and_escalation_renders_in_every_season() -> None:
    from jieyou.demo.texts import _DESPAIR, _GENERIC_ESCALATIONS, _TEMPLATES, _Ctx

    for code, templates in _TEMPLATES.items():
        for tpl in templates:
            for seed, when in enumerate(DATES):
                place, must = PLACES[seed % len(PLACES)]
                c = _Ctx(random.Random(seed), place, when)
                c.gender = tpl.gender
                body, title = c.fill(tpl.body), c.fill(tpl.title)
                assert 40 <= len(body) <= 520, (code, body)
                assert len(title) <= 40, (code, title)
                assert must in body, (code, body)
                for _, slot in tpl.parties:
                    assert c[slot]
                for _, line in [*tpl.escalations, *_GENERIC_ESCALATIONS, *_DESPAIR]:
                    assert "{" not in c.fill(line)


def test_risk_mix() -> None:
    rng = random.Random(2026)
    codes = sorted(SUPPORTED_CATEGORIES)
    risks = Counter(
        make_text(
            rng, category_code=rng.choice(codes), place="北湖区华塘镇吴山村", when=DATES[5]
        ).risk_hint
        for _ in range(3000)
    )
    flagged = (risks["high"] + risks["critical"]) / 3000
    assert 0.015 <= flagged <= 0.08
    assert risks["critical"] > 0
    assert risks["critical"] < risks["high"] + risks["normal"]
    assert risks["low"] > 0.05 * 3000
    assert risks["normal"] > 0.6 * 3000


def test_wage_arrears_before_spring_festival_mention_the_new_year() -> None:
    rng = random.Random(11)
    descriptions = [
        make_text(
            rng, category_code="0201", place="嘉禾县珠泉镇", when=datetime.date(2026, 1, 10)
        ).description
        for _ in range(40)
    ]
    assert any("过年" in d or "春节" in d for d in descriptions)


def test_irrigation_in_summer_mentions_the_season() -> None:
    rng = random.Random(12)
    descriptions = [
        make_text(
            rng, category_code="1005", place="桂阳县仁义镇", when=datetime.date(2026, 7, 20)
        ).description
        for _ in range(10)
    ]
    assert all("双抢" in d for d in descriptions)


def test_unknown_code_raises() -> None:
    with pytest.raises(ValueError, match="0199"):
        make_text(random.Random(1), category_code="0199", place="吴山村", when=DATES[0])
    with pytest.raises(ValueError, match="'01'"):
        make_text(random.Random(1), category_code="01", place="吴山村", when=DATES[0])


def test_random_name_and_mobile() -> None:
    rng = random.Random(5)
    names = [random_name(rng) for _ in range(300)]
    assert all(2 <= len(n) <= 4 for n in names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", n) for n in names)
    assert len(set(names)) > 250
    mobiles = [random_mobile(rng) for _ in range(300)]
    assert all(MOBILE.match(m) for m in mobiles)
    assert len(set(mobiles)) == 300
