"""The early-warning rules (预警规则): repeat complaints, clusters in a village, spikes.

Each detector reads the recent cases, counts in the database first and looks closer only at
the keys over its threshold, and returns :class:`Finding` s: what an alert for that key should
say right now. It writes nothing; :mod:`jieyou.alerts.jobs` turns findings into alerts.

Cases already under a *closed* alert of the same rule and key do not count again: closing an
alert says "dealt with", so only new cases can raise it anew. The methods, thresholds and why
are in docs/decisions/0005-early-warning-rules.md.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

from scipy.special import betainc
from sqlalchemy.orm import Session

from jieyou.alerts import repository as repo
from jieyou.alerts.models import AlertRule, AlertStatus
from jieyou.alerts.repository import CaseRow
from jieyou.cases.duplicates import Profile, profiles_of
from jieyou.privacy import mask_phone
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.timefmt import to_local

# --- thresholds --------------------------------------------------------------------------

# repeat: one phone, one party (name + phone) or one address in this many cases in the window.
REPEAT_WINDOW_DAYS = 30
REPEAT_MIN_CASES = 3
REPEAT_HIGH_CASES = 5

# cluster: this many similar cases in one village in the window, from more than one phone
# (one person's cases are the repeat rule's business).
CLUSTER_WINDOW_DAYS = 7
CLUSTER_MIN_CASES = 3
CLUSTER_MIN_PHONES = 2
CLUSTER_HIGH_CASES = 5
# Text similarity (cases.duplicates) from which two cases read as the same kind of matter.
CLUSTER_SIMILARITY = 0.4

# spike: township × first-level category, the last 7 days against the weeks before them.
SPIKE_WINDOW_DAYS = 7
SPIKE_BASELINE_WEEKS = 8
SPIKE_ALPHA = 0.001  # upper-tail probability under the baseline below which a count alerts
SPIKE_MIN_COUNT = 5  # and never for fewer cases than this in the window
SPIKE_MIN_RATIO = 2.0  # nor for less than this multiple of the baseline's weekly mean
SPIKE_PRIOR_SHAPE = 0.5  # Jeffreys prior on the weekly rate: no history is not "zero risk"

LEVEL_RANK = {"elevated": 1, "high": 2, "critical": 3}
_LEVEL_LENGTHS = sorted(PATH_LENGTH.values(), reverse=True)


@dataclass(frozen=True)
class Finding:
    """What an alert for ``rule`` + ``key`` should hold now."""

    rule: AlertRule
    key: str
    level: str
    region: Region
    title: str
    reasons: list[str]
    case_ids: list[int]
    data: dict[str, object] = field(default_factory=dict)


# --- shared helpers ----------------------------------------------------------------------


def _day(value: datetime) -> str:
    local = to_local(value)
    return f"{local.month}月{local.day}日"


def _days(cases: Sequence[CaseRow], limit: int = 10) -> str:
    days = "、".join(_day(c.created_at) for c in cases[:limit])
    return days + ("等" if len(cases) > limit else "")


def _span(cases: Sequence[CaseRow]) -> str:
    first, last = _day(cases[0].created_at), _day(cases[-1].created_at)
    return first if first == last else f"{first}至{last}"


def common_path(paths: Iterable[str]) -> str:
    """The most specific region path shared by all ``paths`` (a whole level's prefix)."""
    paths = list(paths)
    prefix = min(paths, key=len) if paths else ""
    for path in paths:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    return next((prefix[:n] for n in _LEVEL_LENGTHS if len(prefix) >= n), prefix)


def _region(regions: dict[str, Region], path: str, fallback: str) -> Region:
    return regions.get(path) or regions[fallback]


# --- repeat ------------------------------------------------------------------------------

# A house, building or flat number: without one an address names a village or a street, where
# many people live, and three cases there in a month say nothing about one household.
_SPECIFIC_ADDRESS = re.compile(r"\d+(号|栋|幢|室|单元|户|楼)")


def is_specific_address(normalised: str) -> bool:
    return bool(_SPECIFIC_ADDRESS.search(normalised))


@dataclass
class _Repeat:
    kind: str  # phone, party, address
    key: str
    cases: list[CaseRow]
    subject: str  # how the title names the key
    data: dict[str, object]


def detect_repeat(session: Session, *, now: datetime) -> list[Finding]:
    days = REPEAT_WINDOW_DAYS
    since, minimum = now - timedelta(days=days), REPEAT_MIN_CASES
    groups: list[_Repeat] = []

    phones = repo.frequent_phones(session, since=since, until=now, minimum=minimum)
    for phone, rows in repo.cases_by_phone(session, phones, since=since, until=now).items():
        masked = mask_phone(phone)
        groups.append(_Repeat("phone", f"phone:{phone}", rows, f"号码 {masked}", {"phone": masked}))

    parties = repo.frequent_parties(session, since=since, until=now, minimum=minimum)
    for (name, phone), rows in repo.cases_by_party(
        session, parties, since=since, until=now
    ).items():
        masked = mask_phone(phone)
        groups.append(
            _Repeat(
                "party",
                f"party:{phone}:{name}"[:120],
                rows,
                f"当事人 {name}（{masked}）",
                {"name": name, "phone": masked},
            )
        )

    addresses = [
        a
        for a in repo.frequent_addresses(session, since=since, until=now, minimum=minimum)
        if is_specific_address(a)
    ]
    for address, rows in repo.cases_by_address(session, addresses, since=since, until=now).items():
        digest = hashlib.sha256(address.encode()).hexdigest()[:40]
        written = (rows[0].address or address) if rows else address
        groups.append(
            _Repeat(
                "address",
                f"address:{digest}",
                rows,
                f"地址“{written}”",
                {"address": written, "normalised": address},
            )
        )

    closed = repo.closed_cases(session, AlertRule.repeat.value, closed_after=since)
    # Which repeat alerts (any status) already hold the party and address candidates' cases.
    links = repo.links_of(
        session,
        AlertRule.repeat.value,
        {c.id for g in groups if g.kind != "phone" for c in g.cases},
    )
    held: dict[int, set[int]] = {}
    key_of: dict[int, str] = {}
    live_keys = set()
    for link in links:
        held.setdefault(link.alert_id, set()).add(link.case_id)
        key_of[link.alert_id] = link.key
        if link.status != AlertStatus.closed.value:
            live_keys.add(link.key)
    kept: list[tuple[_Repeat, list[CaseRow]]] = []
    for group in groups:
        fresh = [c for c in group.cases if c.id not in closed.get(group.key, ())]
        if len(fresh) < minimum:
            continue
        if group.kind != "phone":
            # One person naming the same respondent, or writing their own address, every time
            # is one matter, and the phone rule has it: a party or an address needs cases from
            # more than one phone. And the same cases under one party at one address are one
            # alert, not two: a new one must bring a case no other repeat alert holds.
            if len({c.submitter_phone for c in fresh}) < 2:
                continue
            ids = {c.id for c in fresh}
            others = [cases for a, cases in held.items() if key_of[a] != group.key]
            others += [{c.id for c in f} for _, f in kept]
            if group.key not in live_keys and any(ids <= other for other in others):
                continue
        kept.append((group, fresh))

    regions = repo.regions_by_path(
        session,
        {common_path(c.region_path for c in fresh) for _, fresh in kept}
        | {fresh[0].township_path for _, fresh in kept},
    )
    findings = []
    for group, fresh in kept:
        n = len(fresh)
        region = _region(regions, common_path(c.region_path for c in fresh), fresh[0].township_path)
        verb = "涉及" if group.kind == "party" else "反映"
        senders = len({c.submitter_phone for c in fresh})
        source = "" if group.kind == "phone" else f"，来自 {senders} 个号码"
        findings.append(
            Finding(
                rule=AlertRule.repeat,
                key=group.key,
                level="high" if n >= REPEAT_HIGH_CASES else "elevated",
                region=region,
                title=f"重复{verb}：{group.subject}，{days}天内 {n} 件",
                reasons=[
                    f"同一{group.subject}：近{days}天{verb}诉求 {n} 件{source}"
                    f"（{minimum} 件预警，{REPEAT_HIGH_CASES} 件及以上为高）",
                    f"日期：{_days(fresh)}",
                ],
                case_ids=[c.id for c in fresh],
                data={
                    "kind": group.kind,
                    **group.data,
                    "count": n,
                    "window_days": days,
                    "threshold": minimum,
                    "high_at": REPEAT_HIGH_CASES,
                    "dates": [to_local(c.created_at).date().isoformat() for c in fresh],
                },
            )
        )
    return findings


# --- cluster -----------------------------------------------------------------------------


def similar_groups(
    rows: Sequence[CaseRow], profiles: Sequence[Profile], *, threshold: float
) -> list[list[int]]:
    """Indexes of ``rows`` joined into groups: the same category, or texts that read alike
    (transitively). Groups come in order of their earliest member."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(rows)), 2):
        if find(i) == find(j):
            continue
        a, b = rows[i].category_code, rows[j].category_code
        if (a is not None and a == b) or profiles[i].similarity(profiles[j]) >= threshold:
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def detect_cluster(session: Session, *, now: datetime) -> list[Finding]:
    days = CLUSTER_WINDOW_DAYS
    since, minimum = now - timedelta(days=days), CLUSTER_MIN_CASES
    villages = repo.busy_villages(session, since=since, until=now, minimum=minimum)
    by_village = repo.village_cases(session, villages, since=since, until=now)
    every = [c for rows in by_village.values() for c in rows]
    closed = repo.closed_cases(session, AlertRule.cluster.value, closed_after=since)
    # The duplicate detector's profiles, from its cache: only texts it has not seen are read.
    profiles: dict[int, Profile] = {}
    for start in range(0, len(every), 5000):  # it reads the uncached texts with one IN list
        chunk = every[start : start + 5000]
        profiles.update(profiles_of(session, [(c.id, c.created_at) for c in chunk]))
    names = repo.category_names(session)

    kept: list[tuple[str, list[list[CaseRow]]]] = []
    for village, rows in by_village.items():
        fresh = [c for c in rows if c.id not in closed.get(f"cluster:{village}", ())]
        if len(fresh) < minimum:
            continue
        groups = [
            [fresh[i] for i in g]
            for g in similar_groups(
                fresh, [profiles[c.id] for c in fresh], threshold=CLUSTER_SIMILARITY
            )
            if len(g) >= minimum
        ]
        groups = [g for g in groups if len({c.submitter_phone for c in g}) >= CLUSTER_MIN_PHONES]
        if groups:
            kept.append((village, groups))

    regions = repo.regions_by_path(
        session, {v for v, _ in kept} | {v[: PATH_LENGTH[Level.township]] for v, _ in kept}
    )
    findings = []
    for village, groups in kept:
        region = _region(regions, village, village[: PATH_LENGTH[Level.township]])
        reasons, described, headlines = [], [], []
        for cases in groups:
            codes = {c.category_code for c in cases}
            code = next(iter(codes)) if len(codes) == 1 else None
            phones = len({c.submitter_phone for c in cases})
            if code is not None:
                what = f"类别“{names.get(code, code)}”"
                headlines.append(f"“{names.get(code, code)}”类诉求 {len(cases)} 件")
            else:
                what = f"内容相近（如“{cases[0].title[:20]}”）"
                headlines.append(f"相似诉求 {len(cases)} 件（如“{cases[0].title[:20]}”）")
            reasons.append(f"{what}诉求 {len(cases)} 件，来自 {phones} 个号码，{_span(cases)}")
            described.append(
                {
                    "cases": [c.number for c in cases],
                    "category": code,
                    "phones": phones,
                    "count": len(cases),
                }
            )
        members = sorted((c for g in groups for c in g), key=lambda c: (c.created_at, c.id))
        n, largest = len(members), max(len(g) for g in groups)
        headline = headlines[0] if len(groups) == 1 else f"{len(groups)} 组相似诉求共 {n} 件"
        findings.append(
            Finding(
                rule=AlertRule.cluster,
                key=f"cluster:{village}",
                level="high" if largest >= CLUSTER_HIGH_CASES else "elevated",
                region=region,
                title=f"聚集预警：{region.name}{days}天内{headline}",
                reasons=[
                    f"{region.name}近{days}天出现相似诉求（{minimum} 件预警，"
                    f"{CLUSTER_HIGH_CASES} 件及以上为高）",
                    *reasons,
                ],
                case_ids=[c.id for c in members],
                data={
                    "village": village,
                    "count": n,
                    "window_days": days,
                    "threshold": minimum,
                    "min_phones": CLUSTER_MIN_PHONES,
                    "similarity": CLUSTER_SIMILARITY,
                    "high_at": CLUSTER_HIGH_CASES,
                    "groups": described,
                },
            )
        )
    return findings


# --- spike -------------------------------------------------------------------------------


def spike_tail(count: int, baseline: int, weeks: int, dispersion: float = 1.0) -> float:
    """P(a week brings ``count`` or more cases), given ``baseline`` cases in ``weeks`` weeks.

    The weekly count is Poisson with an unknown rate; with a Gamma(SPIKE_PRIOR_SHAPE, 0) prior,
    after ``baseline`` cases in ``weeks`` weeks the rate is Gamma(baseline + shape, weeks) and
    the next week's count is negative binomial with r = baseline + shape, p = weeks/(weeks+1).
    Its upper tail is the regularised incomplete beta I_{1-p}(count, r). Counts that vary
    more than a Poisson's (variance = ``dispersion`` × mean) are first divided by the
    dispersion, as in a quasi-Poisson model.
    """
    if count <= 0:
        return 1.0
    return float(
        betainc(count / dispersion, baseline / dispersion + SPIKE_PRIOR_SHAPE, 1 / (weeks + 1))
    )


def spike_threshold(baseline: int, weeks: int, dispersion: float = 1.0) -> int:
    """The smallest weekly count that alerts against this baseline."""
    mean = baseline / weeks
    k = max(SPIKE_MIN_COUNT, math.ceil(SPIKE_MIN_RATIO * mean - 1e-9))
    while spike_tail(k, baseline, weeks, dispersion) >= SPIKE_ALPHA:
        k += 1
    return k


def dispersion(counts: Sequence[int]) -> float:
    """Variance over mean of the weekly counts, at least 1 (never narrower than Poisson)."""
    if len(counts) < 2 or sum(counts) == 0:
        return 1.0
    mean = sum(counts) / len(counts)
    variance = sum((c - mean) ** 2 for c in counts) / (len(counts) - 1)
    return max(1.0, round(variance / mean, 2))


def baseline_weeks(oldest: datetime | None, window_start: datetime) -> int:
    """Whole weeks of history before the window, at most SPIKE_BASELINE_WEEKS: a system
    younger than its baseline compares with the weeks it has (and its wider uncertainty)."""
    if oldest is None or oldest >= window_start:
        return 0
    return min(SPIKE_BASELINE_WEEKS, (window_start - oldest) // timedelta(days=7))


def detect_spike(session: Session, *, now: datetime) -> list[Finding]:
    days = SPIKE_WINDOW_DAYS
    since = now - timedelta(days=days)
    weeks = baseline_weeks(repo.oldest_case_at(session), since)
    if weeks < 1:
        return []
    cells = repo.busy_cells(session, since=since, until=now, minimum=SPIKE_MIN_COUNT)
    history = repo.cell_weeks(session, list(cells), until=since, weeks=weeks)
    candidates: list[tuple[str, str, list[int], int, list[CaseRow]]] = []
    for (township, category), count in sorted(cells.items()):
        counts = history[(township, category)]
        threshold = spike_threshold(sum(counts), weeks, dispersion(counts))
        if count >= threshold:
            rows = repo.cell_cases(session, township, category, since=since, until=now)
            candidates.append((township, category, counts, threshold, rows))
    closed = repo.closed_cases(session, AlertRule.spike.value, closed_after=since)
    regions = repo.regions_by_path(session, {t for t, *_ in candidates})
    names = repo.category_names(session)

    findings = []
    for township, category, counts, threshold, rows in candidates:
        key = f"spike:{township}:{category}"
        fresh = [c for c in rows if c.id not in closed.get(key, ())]
        n = len(fresh)
        if n < threshold or township not in regions:
            continue
        region, label = regions[township], names.get(category, category)
        baseline, spread = sum(counts), dispersion(counts)
        mean = baseline / weeks
        p = spike_tail(n, baseline, weeks, spread)
        findings.append(
            Finding(
                rule=AlertRule.spike,
                key=key,
                level="high" if n >= 2 * threshold else "elevated",
                region=region,
                title=f"激增预警：{region.name}“{label}”类诉求近{days}天 {n} 件"
                f"（此前每周约 {mean:.1f} 件）",
                reasons=[
                    f"近{days}天{region.name}“{label}”类诉求 {n} 件；此前{weeks}周共 "
                    f"{baseline} 件，平均每周 {mean:.1f} 件",
                    f"按此前{weeks}周的水平（含其周间波动），一周达到 {n} 件的概率约为 "
                    f"{p:.1g}（低于 {SPIKE_ALPHA:g} 即预警）",
                    f"本格预警门槛 {threshold} 件（至少 {SPIKE_MIN_COUNT} 件且不低于周均的 "
                    f"{SPIKE_MIN_RATIO:g} 倍），达到门槛 2 倍为高",
                ],
                case_ids=[c.id for c in fresh],
                data={
                    "method": "gamma-poisson",
                    "township": township,
                    "category": category,
                    "count": n,
                    "window_days": days,
                    "baseline_weeks": weeks,
                    "baseline_total": baseline,
                    "baseline_mean": round(mean, 3),
                    "baseline_by_week": counts,  # most recent week first
                    "dispersion": spread,
                    "threshold": threshold,
                    "p_value": p,
                    "alpha": SPIKE_ALPHA,
                    "min_count": SPIKE_MIN_COUNT,
                    "min_ratio": SPIKE_MIN_RATIO,
                    "prior_shape": SPIKE_PRIOR_SHAPE,
                },
            )
        )
    return findings


DETECTORS = (detect_repeat, detect_cluster, detect_spike)
