"""Reading a place from an address, and masking what a public GET must not show."""

from __future__ import annotations

import pytest

from jieyou.open311.places import in_chenzhou, match_region
from jieyou.open311.privacy import is_public_matter, place_codes, redact
from jieyou.open311.repository import regions_for_matching
from tests.factories import BEIHU, CITY, GUIYANG, HUATANG, WUSHAN


@pytest.fixture
def regions(db):
    with db.unit_of_work(write=False) as s:
        return regions_for_matching(s)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("郴州市北湖区华塘镇吴山村3组12号", WUSHAN),
        ("华塘镇吴山村村口", WUSHAN),
        ("吴山村小学旁边", WUSHAN),  # the only 吴山村 in the city
        ("北湖区华塘镇主街", HUATANG),
        ("北湖区人民路8号", BEIHU),
        ("郴州市五岭大道", CITY),
        ("人民路8号", None),
        # Five villages are called 塘下村: the name alone says nothing …
        ("塘下村", None),
        # … with a county that has one, it is that one; with a county that has none, the
        # county.
        ("桂阳县塘下村", "431021111209"),
        ("嘉禾县塘下村", "431024000000"),
        # 太和镇 is in two counties: ambiguous alone, not with the county.
        ("太和镇", None),
        ("桂阳县太和镇", "431021103000"),
        # A county that contradicts the village: the county, not a village elsewhere.
        ("桂阳县吴山村", GUIYANG),
    ],
)
def test_an_address_is_placed_in_the_deepest_region_it_names_unambiguously(regions, text, code):
    assert match_region(regions, text) == code


def test_coordinates_are_checked_against_chenzhou():
    assert in_chenzhou(25.77, 113.01)  # 郴州市区
    assert not in_chenzhou(28.19, 112.97)  # 长沙
    assert not in_chenzhou(113.01, 25.77)  # lat and long swapped


def test_known_names_numbers_and_the_address_are_masked():
    text = (
        "我叫李秀英，住吴山村3组12号，身份证431002199001011234，手机 139-0735-1234，"
        "座机0735-2223333，邮箱 lxy@example.org，银行卡6222021234567890123。"
        "王建国和王建说过会赔，另见诉求 JY20261127000001。"
    )
    masked = redact(text, names=["李秀英", "王建国", "王建"], address="吴山村3组12号")
    assert masked == (
        "我叫李**，住[地址]，身份证[证件号]，手机 139****1234，座机0735-*******，"
        "邮箱 [邮箱]，银行卡[数字]。王**和王*说过会赔，另见诉求 JY20261127000001。"
    )


def test_house_numbers_are_masked_even_when_the_address_was_not_given():
    assert redact("5栋2单元301室门口的井盖坏了") == "**门口的井盖坏了"


def test_only_public_matters_of_ordinary_risk_publish_their_text():
    assert is_public_matter("0103", "normal")
    assert is_public_matter("0501", "elevated")
    assert not is_public_matter("0103", "high")
    assert not is_public_matter("0802", "normal")
    assert not is_public_matter("0801", "normal")
    assert not is_public_matter(None, "normal")


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        ("4310", [CITY]),
        ("431002", [BEIHU]),
        ("431002101", [BEIHU, HUATANG]),
        ("431002101201", [BEIHU, HUATANG, WUSHAN]),
        ("43100210120101", [BEIHU, HUATANG, WUSHAN]),  # a grid: its village
        ("4310021012010102", [BEIHU, HUATANG, WUSHAN]),  # a lane: its village
    ],
)
def test_the_published_place_stops_at_the_village(path, codes):
    assert place_codes(path) == codes
