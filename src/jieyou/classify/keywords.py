"""Second-level categories from telling words.

The shipped model knows the seven first-level classes of the data it was trained on. Our
taxonomy has twelve, and its second level decides the tier and the department. This module
reads the words that mark a dispute type (抚养费 → 婚姻家庭, 宅基地 → 宅基地 …) so intake can

* refine a confident first-level prediction to the matching second-level category, and
* send a case to triage instead of auto-routing it when it plainly belongs to a first-level
  category the model has never seen (政法, 民政, 农村农业, 国土资源, 其他) — the model would
  otherwise put a divorce under 卫生计生 with 0.99 confidence.

It is a lexicon, deliberately small and readable; triage decisions become training data and a
model trained ``--from-db`` learns the missing classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS: dict[str, tuple[str, ...]] = {
    "0101": ("物业", "业委会", "物管", "停车费", "电梯", "小区公共"),
    "0102": ("房屋质量", "漏水", "墙体开裂", "裂缝", "交房", "开发商", "烂尾"),
    "0103": ("路灯", "井盖", "下水道", "排水", "路面破损", "人行道", "市政"),
    "0104": ("征地", "拆迁", "征收", "补偿款", "安置房", "强拆"),
    "0105": ("违建", "违章建筑", "私搭乱建", "违规加盖", "乱搭建"),
    "0201": ("拖欠工资", "欠薪", "讨薪", "工钱", "工资没发", "包工头", "结工资"),
    "0202": ("社保", "养老保险", "医保", "失业金", "退休金", "缴费年限"),
    "0203": ("工伤", "摔伤", "工地受伤", "伤残鉴定"),
    "0301": ("学校", "老师", "补课", "学位", "入学", "转学", "学费"),
    "0302": ("校园欺凌", "校车", "学生安全"),
    "0401": ("商家", "退款", "假货", "消费者", "预付卡", "售后", "短斤少两"),
    "0402": ("旅行社", "景区", "导游", "门票"),
    "0403": ("食品安全", "过期食品", "变质", "食物中毒", "黑作坊"),
    "0501": ("污染", "排污", "废水", "废气", "粉尘", "黑烟", "臭味", "粪水"),
    "0502": ("噪音", "噪声", "扰民", "广场舞", "施工吵"),
    "0503": ("垃圾", "垃圾站", "焚烧垃圾", "清运"),
    "0601": ("医疗事故", "误诊", "医院", "医生", "手术"),
    "0602": ("疫苗", "传染病", "卫生院", "防疫"),
    "0701": ("交通事故", "撞了", "追尾", "肇事", "交警认定"),
    "0702": ("公交", "班车", "客运", "出租车", "道路不通", "断头路"),
    "0801": ("离婚", "抚养费", "抚养权", "赡养", "家暴", "夫妻", "婆媳", "彩礼", "分家"),
    "0802": ("邻居", "邻里", "隔壁", "滴水", "通道被堵", "界墙"),
    "0803": ("借款", "借钱", "欠钱", "借条", "欠款", "合同", "货款", "工程款", "高利贷"),
    "0804": ("打架", "斗殴", "殴打", "威胁", "偷盗", "被偷", "治安"),
    "0805": ("赔偿", "损坏", "咬伤", "撞坏", "损失"),
    "0901": ("低保", "困难补助", "救助", "特困", "五保"),
    "0902": ("养老院", "敬老院", "高龄补贴", "居家养老"),
    "0903": ("殡葬", "墓地", "坟", "火化", "丧葬"),
    "1001": ("宅基地", "建房审批", "农村建房"),
    "1002": ("山林", "林地", "林权", "砍树", "山界", "护林"),
    "1003": ("承包地", "责任田", "土地承包", "流转", "土地租金"),
    "1004": ("种子", "化肥", "农药", "农资", "饲料"),
    "1005": ("灌溉", "水渠", "水利", "山塘", "放水", "抽水"),
    "1101": ("土地权属", "地界", "确权", "土地证", "占地"),
    "1102": ("采矿", "矿山", "采砂", "开矿", "矿洞", "尾矿"),
    "1201": ("信访", "上访", "多次反映", "重复信访"),
}

# Words that turn up in complaints of many kinds (a neighbour's noise, a school's canteen…):
# they count for little on their own.
GENERIC = frozenset(
    {
        "邻居",
        "隔壁",
        "合同",
        "损失",
        "赔偿",
        "损坏",
        "威胁",
        "医院",
        "医生",
        "学校",
        "老师",
        "商家",
        "垃圾",
        "种子",
        "坟",
        "占地",
        "公交",
        "市政",
    }
)

_PATTERNS = {code: re.compile("|".join(map(re.escape, words))) for code, words in KEYWORDS.items()}


@dataclass(frozen=True)
class KeywordMatch:
    code: str  # second-level category code
    hits: tuple[str, ...]  # the words found, in order of first appearance

    @property
    def first_level(self) -> str:
        return self.code[:2]

    @property
    def weight(self) -> int:
        """Longer words are more specific (宅基地 says more than 拆迁); generic words count 1."""
        return sum(1 if hit in GENERIC else len(hit) for hit in self.hits)


def match_categories(text: str) -> list[KeywordMatch]:
    """Second-level categories whose words appear, most distinct words first."""
    found = []
    for code, pattern in _PATTERNS.items():
        hits = tuple(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))
        if hits:
            found.append(KeywordMatch(code, hits))
    return sorted(found, key=lambda m: (-m.weight, m.code))


def best_match(text: str, *, within: str | None = None) -> KeywordMatch | None:
    """The strongest match, optionally only under first-level category ``within``."""
    matches = match_categories(text)
    if within is not None:
        matches = [m for m in matches if m.first_level == within]
    return matches[0] if matches else None
