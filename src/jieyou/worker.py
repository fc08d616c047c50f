"""The periodic worker: ``jieyou worker`` runs it forever, ``jieyou tick`` once.

A tick, as of a given moment: deadlines (warnings, overdue, 督办, the callback), then delivery
of the outbox. Each job commits its own small transactions, so a crash loses at most the
batch in hand, and the next tick picks it up again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from jieyou.accounts import throttle
from jieyou.alerts import jobs as alert_jobs
from jieyou.config import get_settings
from jieyou.db import Database, utcnow
from jieyou.deadlines.jobs import DeadlineReport, run_deadlines
from jieyou.notify.delivery import DeliveryReport, deliver_due

log = logging.getLogger("jieyou.worker")


@dataclass
class TickReport:
    at: datetime
    deadlines: DeadlineReport
    figures: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, int]]:
        d = self.deadlines
        return [
            ("cases reviewed", d.reviewed),
            ("deadline warnings", d.warned),
            ("overdue marks", d.overdue),
            ("督办 escalations", d.supervised),
            ("callback invitations", d.invited),
            ("closed unrated", d.closed_unrated),
            *self.figures.items(),
        ]


def tick(
    database: Database, *, now: datetime | None = None, deliver: bool = True, scan: bool = True
) -> TickReport:
    """Run every periodic job once as of ``now``. Idempotent: a second run at the same moment
    changes nothing more."""
    now = now or utcnow()
    report = TickReport(at=now, deadlines=run_deadlines(database, now=now))
    if scan:
        report.figures.update(early_warning(database, now=now))
    with database.unit_of_work() as session:
        report.figures["throttle rows swept"] = throttle.sweep(session, now=now)
    if deliver:
        report.figures.update(_delivery_rows(deliver_due(database, now=now)))
    return report


def early_warning(database: Database, *, now: datetime) -> dict[str, int]:
    """The early-warning scan (repeat, cluster, spike). Detection reads for seconds on a big
    database, so it runs in a read unit of work; only the alerts it opens or grows are written
    (SQLite has one writer: intake must not wait for the scan)."""
    with database.unit_of_work(write=False) as session:
        findings = alert_jobs.detect(session, now=now)
    with database.unit_of_work() as session:
        scanned = alert_jobs.apply(session, findings, now=now)
    return {"alerts raised": len(scanned.raised), "alerts updated": len(scanned.updated)}


def _delivery_rows(delivery: DeliveryReport) -> dict[str, int]:
    return {
        "messages sent": delivery.sent,
        "messages to retry": delivery.retrying,
        "messages parked": delivery.parked,
    }


def run_forever(database: Database) -> None:  # pragma: no cover - a loop for operators
    """Tick every ``worker.tick_seconds``; deliver the outbox every ``worker.deliver_seconds``
    in between, so a message waits seconds, not a minute."""
    settings = get_settings().worker
    next_tick = next_scan = 0.0
    while True:
        started = time.monotonic()
        if started >= next_tick:
            scan = started >= next_scan
            report = tick(database, scan=scan)
            log.info("tick %s", dict(report.rows()))
            next_tick = started + settings.tick_seconds
            if scan:
                next_scan = started + settings.scan_seconds
        else:
            delivery = deliver_due(database)
            if delivery.claimed:
                log.info("outbox %s", _delivery_rows(delivery))
        time.sleep(max(0.1, min(settings.deliver_seconds, next_tick - time.monotonic())))
