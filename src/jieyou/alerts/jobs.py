"""The early-warning scan: run every detector, then raise or update alerts.

``scan`` runs in the caller's unit of work (the worker's tick) and only flushes. It is
idempotent: at the same ``now`` a second run finds every finding already in an alert and writes
nothing. For one rule and key there is at most one live (open or acknowledged) alert; a finding
for it adds its new cases, and raises the level if the count now calls for more. A closed
alert stays closed: the detectors no longer count its cases, so only new ones raise a new
alert.

Detecting only reads, and takes seconds on a large database. On SQLite a write transaction
holds the single writer's lock from its first statement, so there run ``detect`` in a read
unit of work and ``apply`` in a short write one; ``apply`` re-checks what may have changed in
between.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from jieyou.alerts import repository as repo
from jieyou.alerts.models import Alert, AlertStatus
from jieyou.alerts.rules import DETECTORS, LEVEL_RANK, Finding, common_path
from jieyou.alerts.service import notify_unit, raise_alert, supervising_centre


@dataclass
class ScanReport:
    """What one scan found and did."""

    now: datetime
    # Per rule: keys over their threshold now (whether new, grown or unchanged).
    found: Counter[str] = field(default_factory=Counter)
    # Ids of alerts this scan opened, and of live alerts it added cases to or raised a level.
    raised: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    raised_by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.raised or self.updated)

    def rows(self) -> list[tuple[str, int]]:
        """Figures for the worker's tick log."""
        return [
            ("early-warning keys over threshold", sum(self.found.values())),
            ("early-warning alerts raised", len(self.raised)),
            ("early-warning alerts updated", len(self.updated)),
        ]

    def __str__(self) -> str:
        per_rule = "，".join(f"{rule} {n}" for rule, n in sorted(self.raised_by_rule.items()))
        raised = f"新增 {len(self.raised)}" + (f"（{per_rule}）" if per_rule else "")
        return f"预警扫描：{raised}，更新 {len(self.updated)}"


def detect(session: Session, *, now: datetime) -> list[Finding]:
    """Every rule's findings at ``now``. Reads only."""
    return [finding for detector in DETECTORS for finding in detector(session, now=now)]


def apply(session: Session, findings: Sequence[Finding], *, now: datetime) -> ScanReport:
    """Open an alert for each new finding, grow the live alert of each known one."""
    report = ScanReport(now=now)
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule.value, []).append(finding)
    for rule, batch in by_rule.items():
        live = repo.live_alerts(session, rule, [f.key for f in batch])
        linked = repo.case_ids_of(session, [a.id for a in live.values()])
        for finding in batch:
            report.found[rule] += 1
            head = live.get(finding.key)
            if head is None:
                if _closed_since_detected(session, finding):
                    continue
                alert = _open(session, finding, now=now)
                report.raised.append(alert.id)
                report.raised_by_rule[rule] += 1
                continue
            new = set(finding.case_ids) - linked[head.id]
            rises = LEVEL_RANK.get(finding.level, 0) > LEVEL_RANK.get(head.level, 0)
            if new or rises:
                _grow(session, head.id, finding, new, rises=rises, now=now)
                report.updated.append(head.id)
    session.flush()
    return report


def _open(session: Session, finding: Finding, *, now: datetime) -> Alert:
    centre = supervising_centre(session, finding.region.path)
    return raise_alert(
        session,
        rule=finding.rule,
        level=finding.level,
        region_code=finding.region.code,
        region_path=finding.region.path,
        title=finding.title,
        reasons=finding.reasons,
        cases=repo.cases_by_id(session, finding.case_ids),
        key=finding.key,
        data=finding.data,
        notify=[centre.id] if centre else [],
        now=now,
    )


def _grow(
    session: Session,
    alert_id: int,
    finding: Finding,
    new: set[int],
    *,
    rises: bool,
    now: datetime,
) -> None:
    """Add the new cases to the live alert and say what holds now, over the region of all its
    cases; a higher level notifies the centre again."""
    alert = session.get(Alert, alert_id)
    assert alert is not None
    raise_alert(
        session,
        rule=finding.rule,
        level=finding.level,
        region_code=alert.region_code,
        region_path=alert.region_path,
        title=finding.title,
        reasons=finding.reasons,
        cases=repo.cases_by_id(session, new),
        key=finding.key,
        now=now,
    )
    alert.title = finding.title[:200]
    alert.reasons = list(finding.reasons)
    alert.data = dict(finding.data)
    _widen(session, alert, finding.region.path)
    if rises:
        alert.level = finding.level
        centre = supervising_centre(session, alert.region_path)
        if centre is not None:
            notify_unit(
                session,
                unit_id=centre.id,
                kind=f"alert.{finding.rule.value}",
                subject=f"预警升级：{alert.title}",
                body="；".join(finding.reasons),
                alert_id=alert.id,
                now=now,
            )


def _closed_since_detected(session: Session, finding: Finding) -> bool:
    """Whether a closed alert of the finding's rule and key holds some of its cases: the
    detectors leave those out, so the finding was made before someone closed the alert (when
    detecting and applying run in separate transactions). The next scan sees it right."""
    links = repo.links_of(session, finding.rule.value, finding.case_ids)
    return any(
        link.key == finding.key and link.status == AlertStatus.closed.value for link in links
    )


def _widen(session: Session, alert: Alert, path: str) -> None:
    """Move the alert up to the region its old and new cases share (a repeat complaint
    carried to a second township becomes the county's)."""
    shared = common_path([alert.region_path, path])
    if shared != alert.region_path:
        region = repo.regions_by_path(session, [shared]).get(shared)
        if region is not None:
            alert.region_code, alert.region_path = region.code, region.path


def scan(session: Session, *, now: datetime) -> ScanReport:
    """Run every early-warning rule over the recent cases (called by the worker's tick)."""
    return apply(session, detect(session, now=now), now=now)
