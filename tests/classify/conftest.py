"""A small synthetic labelled set, written here (never the licensed messages)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from jieyou.classify.data import Example

KEYWORDS = {
    "劳动和社会保障": ["拖欠工资", "社保缴纳", "劳动合同", "养老保险", "工伤认定", "加班费用"],
    "交通运输": ["公交线路", "出租车辆", "道路拥堵", "红绿灯口", "客运班车", "驾驶员"],
    "教育文体": ["学校食堂", "班主任", "学生宿舍", "周末补课", "幼儿园", "体育场馆"],
}
FILLERS = [
    "情况已经持续很久",
    "多次反映没有结果",
    "群众意见很大",
    "希望有关部门重视",
    "影响正常生活",
]


def synthetic_examples(per_class: int = 24, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    examples = []
    for label, words in KEYWORDS.items():
        for _ in range(per_class):
            first, second = rng.sample(words, 2)
            filler = rng.choice(FILLERS)
            examples.append(
                Example(
                    f"{first}的问题", f"关于{first}和{second}的情况，{filler}，请尽快处理。", label
                )
            )
    rng.shuffle(examples)
    return examples


def write_csv(path: Path, examples: list[Example]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text", "label"])
        writer.writerows((e.title, e.text, e.label) for e in examples)
    return path


@pytest.fixture
def examples() -> list[Example]:
    return synthetic_examples()
