"""一事多诉: finding the same matter reported again in other words.

A new case is compared with the open cases of its township from the last N days. The score
mixes two cosine similarities over title and description: of content characters (0.6) and of
character bigrams (0.4), after dropping what carries no matter (function characters, petition
boilerplate, punctuation, digits) — so two different complaints from one village do not look
alike merely for sharing its name and "请求解决". Characters catch paraphrase (路灯不亮 / 路灯坏了),
bigrams reward shared names and phrases. On the hand-made pairs in tests/data/duplicate_pairs.csv
same-matter pairs score 0.22–0.60 (7 of 8 at 0.46 or more), different matters 0.08–0.32 except
two complaints about one housing estate (0.51); the default threshold is 0.4.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseLink
from jieyou.cases.states import OPEN_STATUSES

# Bigrams of petition boilerplate: frequent in every message, evidence of nothing.
BOILERPLATE = frozenset(
    [
        "反映",
        "映的",
        "问题",
        "希望",
        "领导",
        "请求",
        "解决",
        "相关",
        "部门",
        "没有",
        "一个",
        "已经",
        "现在",
        "我们",
        "你们",
        "他们",
        "村民",
        "居民",
        "政府",
        "处理",
        "情况",
        "尽快",
        "要求",
        "重视",
        "关注",
        "谢谢",
        "您好",
        "你好",
        "尊敬",
        "的领",
        "导你",
        "导您",
        "多次",
        "至今",
        "这个",
        "时间",
        "目前",
        "由于",
        "因为",
        "所以",
        "但是",
        "可是",
        "而且",
        "如果",
        "还是",
        "就是",
        "不是",
        "什么",
        "怎么",
        "为什",
        "么要",
        "是否",
        "能否",
        "可以",
        "进行",
        "有关",
        "单位",
        "工作",
        "人员",
        "群众",
        "老百",
        "百姓",
        "本人",
        "我家",
        "家里",
        "自己",
        "今年",
        "去年",
        "上个",
        "个月",
        "一直",
        "的问",
        "的情",
        "了一",
        "是我",
        "我的",
        "的是",
        "在我",
        "到了",
        "了我",
        "有人",
        "人在",
        "说是",
        "不了",
        "不到",
        "不能",
        "不会",
        "给我",
        "让我",
    ]
)
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# Characters too common in any complaint to say what it is about.
STOP_CHARS = frozenset(
    "的了我们你他她它是在有不人这那就都也还和与及或把被让给对从到向于以之其而且但又很太更最已经"
    "上下个一二三四五六七八九十来去说要会能可好请求希望反映问题解决没有一直多次现在时候什么怎么"
)


# The gist of a complaint is in its first few hundred characters; comparing more costs time.
TEXT_LIMIT = 400


@dataclass(frozen=True)
class Profile:
    """A text's content characters and bigrams with their norms, computed once per text."""

    chars: Counter[str]
    bigrams: Counter[str]
    chars_norm: float
    bigrams_norm: float

    @classmethod
    def of(cls, text: str) -> Profile:
        text = text[:TEXT_LIMIT]
        chars = Counter(c for c in text if "\u4e00" <= c <= "\u9fff" and c not in STOP_CHARS)
        kept = [c for c in text if _KEEP.match(c)]
        bigrams = Counter(
            g for g in ("".join(pair) for pair in pairwise(kept)) if g not in BOILERPLATE
        )
        return cls(chars, bigrams, _norm(chars), _norm(bigrams))

    def similarity(self, other: Profile) -> float:
        """How alike two complaints read, 0–1 (see the module docstring)."""
        return 0.6 * _cosine(self.chars, self.chars_norm, other.chars, other.chars_norm) + (
            0.4 * _cosine(self.bigrams, self.bigrams_norm, other.bigrams, other.bigrams_norm)
        )


def _norm(counts: Counter[str]) -> float:
    return math.sqrt(sum(n * n for n in counts.values()))


def _cosine(a: Counter[str], a_norm: float, b: Counter[str], b_norm: float) -> float:
    if not a_norm or not b_norm:
        return 0.0
    # Only shared keys contribute; the set intersection runs in C and is small for unrelated
    # texts, which are most of the candidates.
    return sum(a[g] * b[g] for g in a.keys() & b.keys()) / (a_norm * b_norm)


def similarity(a: str, b: str) -> float:
    """How alike two complaints read, 0–1 (see the module docstring)."""
    return Profile.of(a).similarity(Profile.of(b))


def _text(title: str, description: str) -> str:
    return f"{title} {description[:TEXT_LIMIT]}"


# Profiles of recent cases, by (id, created_at): a case's text never changes, and the same
# township's recent cases are compared again with every new case, so each text is read and
# profiled once. created_at is in the key because SQLite may reuse the id of a case whose
# transaction was rolled back.
_CACHE: OrderedDict[tuple[int, datetime], Profile] = OrderedDict()
_CACHE_SIZE = 20_000
_CACHE_LOCK = threading.Lock()


def profiles_of(session: Session, keys: list[tuple[int, datetime]]) -> dict[int, Profile]:
    """Text profiles of cases by ``(id, created_at)``, from the process cache where they are
    (a case's text never changes once written) and read in one query otherwise. The early
    warning's repeat rule uses them too."""
    with _CACHE_LOCK:
        found = {key[0]: _CACHE[key] for key in keys if key in _CACHE}
    missing = {key[0]: key for key in keys if key[0] not in found}
    if missing:
        rows = session.execute(
            select(Case.id, Case.title, func.substr(Case.description, 1, TEXT_LIMIT)).where(
                Case.id.in_(list(missing))
            )
        ).all()
        fresh = {missing[i]: Profile.of(_text(title, text)) for i, title, text in rows}
        found.update({key[0]: profile for key, profile in fresh.items()})
        with _CACHE_LOCK:
            _CACHE.update(fresh)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return found


def find_duplicates(
    session: Session,
    *,
    township_path: str,
    region_path: str,
    phone: str,
    text: str,
    window_days: int,
    threshold: float,
    now: datetime,
    limit: int = 60,
) -> list[tuple[int, float]]:
    """(earlier case id, score) for open cases of the same township that read like ``text``.

    The most recent ``limit`` candidates are compared (one index scan in date order).
    """
    rows = session.execute(
        select(Case.id, Case.created_at, Case.region_path, Case.submitter_phone)
        .where(
            Case.township_path == township_path,
            Case.kind == "grievance",
            Case.created_at >= now - timedelta(days=window_days),
            Case.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(Case.created_at.desc())
        .limit(limit)
    ).all()
    profiles = profiles_of(session, [(row[0], row[1]) for row in rows])
    mine = Profile.of(text[: TEXT_LIMIT + 60])
    found = []
    for other_id, _, path, other_phone in rows:
        score = mine.similarity(profiles[other_id])
        if path[:12] == region_path[:12]:
            score += 0.05  # same village: a little more likely to be the same matter
        if other_phone == phone:
            score += 0.1  # the same person again
        score = min(score, 1.0)
        if score >= threshold:
            found.append((other_id, round(score, 3)))
    return sorted(found, key=lambda pair: -pair[1])[:5]


def link_duplicates(
    session: Session, case: Case, matches: list[tuple[int, float]], *, now: datetime
) -> list[CaseLink]:
    links = [
        CaseLink(case_id=case.id, other_id=other_id, score=score, created_at=now)
        for other_id, score in matches
    ]
    session.add_all(links)
    return links
