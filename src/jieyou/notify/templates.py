"""Message kinds and their text: short, SMS-like, zh-CN, overridable per kind in settings
(``notify.templates``). Templates are checked when the settings load, so a typo in a
placeholder is refused at start-up instead of failing a case action later."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from string import Formatter


class MessageKind(StrEnum):
    # To the resident (by SMS when a gateway is configured).
    accepted = "accepted"  # 已受理
    assigned = "assigned"  # 已交办 to a unit
    resolved = "resolved"  # 已办结, with the reply
    rating_invited = "rating_invited"  # 回访: please rate
    # To the responsible unit (inbox, log, webhooks).
    task_assigned = "task_assigned"  # 新交办
    deadline_warning = "deadline_warning"  # 临期
    overdue = "overdue"  # 超期
    supervised = "supervised"  # 督办


RESIDENT_KINDS = frozenset(
    {MessageKind.accepted, MessageKind.assigned, MessageKind.resolved, MessageKind.rating_invited}
)

# {unit}: the unit handling the case; for `supervised`, the unit that supervises it.
# {deadline}: local time, or 规定时限 when the event names none. {url}: the tracking page.
PLACEHOLDERS = frozenset({"number", "title", "deadline", "unit", "url", "reply"})

SUBJECTS: dict[MessageKind, str] = {
    MessageKind.accepted: "诉求已受理",
    MessageKind.assigned: "诉求已交办",
    MessageKind.resolved: "诉求已办结",
    MessageKind.rating_invited: "请评价办理结果",
    MessageKind.task_assigned: "新交办诉求",
    MessageKind.deadline_warning: "诉求临期提醒",
    MessageKind.overdue: "诉求超期提醒",
    MessageKind.supervised: "督办通知",
}

DEFAULT_TEMPLATES: dict[MessageKind, str] = {
    MessageKind.accepted: "您反映的“{title}”已受理，编号{number}。凭编号和查询码可查进度：{url}",
    MessageKind.assigned: "您反映的诉求（编号{number}）已交{unit}办理，请保持电话畅通。",
    MessageKind.resolved: "您反映的诉求（编号{number}）已办结。答复：{reply}",
    MessageKind.rating_invited: (
        "您反映的诉求（编号{number}）已办结，请凭编号和查询码对办理结果进行评价：{url}"
    ),
    MessageKind.task_assigned: "新交办：{number}“{title}”，办理时限：{deadline}。",
    MessageKind.deadline_warning: "临期提醒：{number}“{title}”将于{deadline}到期，请抓紧办理。",
    MessageKind.overdue: "超期提醒：{number}“{title}”已超过办理时限（{deadline}），请尽快办结。",
    MessageKind.supervised: "督办：{unit}对{number}“{title}”督办，请于{deadline}前办结并反馈。",
}

NO_DEADLINE = "规定时限"
TITLE_CHARS = 24
REPLY_CHARS = 60


def check_kinds(kinds: Iterable[str], *, where: str) -> None:
    unknown = sorted(set(kinds) - set(MessageKind))
    if unknown:
        known = ", ".join(MessageKind)
        raise ValueError(f"{where}: unknown message kind(s) {', '.join(unknown)} (known: {known})")


def check_templates(templates: Mapping[str, str]) -> None:
    """Refuse unknown kinds and any placeholder other than :data:`PLACEHOLDERS` (no attribute
    access, no format specs: ``str.format`` on operator text is otherwise a small hazard)."""
    check_kinds(templates, where="notify.templates")
    for kind, text in templates.items():
        try:
            fields = list(Formatter().parse(text))
        except ValueError as exc:
            raise ValueError(f"notify.templates[{kind}]: {exc}") from exc
        for _literal, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conversion:
                allowed = " ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
                raise ValueError(
                    f"notify.templates[{kind}]: unknown placeholder {{{name}}} (use {allowed})"
                )


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(
    kind: MessageKind, values: Mapping[str, str], overrides: Mapping[str, str]
) -> tuple[str, str]:
    """(subject, body) for ``kind``; every placeholder gets a value (empty if not given)."""
    template = overrides.get(kind.value) or DEFAULT_TEMPLATES[kind]
    filled = {name: values.get(name, "") for name in PLACEHOLDERS}
    return SUBJECTS[kind], template.format_map(filled)
