"""Time limits (办理时限) on the working-day calendar: rule choice, deadlines, pauses, extensions, the clock
and the 催办 → 督办 → 通报 ladder.

Pure module: plain values in, plain values out; `now` and the `WorkCalendar` are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from yingshang.core.workcalendar import WorkCalendar

# Bounds on extensions (延期): at most this many approved, at most this many working days in total.
MAX_EXTENSIONS = 1
MAX_EXTENSION_DAYS = 15
# A unit may dispute a dispatch (退单/派单异议) within this many working hours of receiving it.
DISPUTE_WINDOW_HOURS = 4
# 催办 when this share of the reply time is left; 通报 when still overdue this many working days after expiry.
URGE_AT_REMAINING_SHARE = 0.2
PUBLICIZE_AFTER_DAYS = 5


@dataclass(frozen=True)
class Rule:
    """One row of the SLA table; empty key fields match anything."""

    category_code: str
    kind: str
    urgency: str
    requester_type: str
    sign_hours: Decimal
    contact_hours: Decimal
    reply_days: Decimal  # working days (office days); urgent rules use reply_hours instead
    reply_hours: Decimal | None = None
    rule_id: int | None = None

    def specificity(self) -> int:
        """Category beats urgency beats kind beats requester type (urgent rules override kind rules)."""
        return (
            8 * bool(self.category_code)
            + 4 * bool(self.urgency)
            + 2 * bool(self.kind)
            + bool(self.requester_type)
        )

    def matches(self, *, category_code: str, kind: str, urgency: str, requester_type: str) -> bool:
        return all(
            not mine or mine == theirs
            for mine, theirs in (
                (self.category_code, category_code),
                (self.kind, kind),
                (self.urgency, urgency),
                (self.requester_type, requester_type),
            )
        )

    def describe(self) -> str:
        reply = f"{self.reply_hours:g} 个工作小时" if self.reply_hours else f"{self.reply_days:g} 个工作日"
        return f"{self.sign_hours:g} 个工作小时内签收，{self.contact_hours:g} 个工作小时内先行联系，{reply}内答复"


class NoRule(LookupError):
    def __init__(self) -> None:
        super().__init__("没有适用的办理时限规则，请管理员在“时限规则”中补充一条默认规则。")


def pick_rule(
    rules: Iterable[Rule], *, category_code: str, kind: str, urgency: str, requester_type: str
) -> Rule:
    """The most specific matching rule; ties go to the lower id (the older rule)."""
    matching = [
        r
        for r in rules
        if r.matches(category_code=category_code, kind=kind, urgency=urgency, requester_type=requester_type)
    ]
    if not matching:
        raise NoRule()
    return max(matching, key=lambda r: (r.specificity(), -(r.rule_id or 0)))


@dataclass(frozen=True)
class Deadlines:
    sign_due: dt.datetime
    contact_due: dt.datetime
    reply_due: dt.datetime


def deadlines(*, start: dt.datetime, rule: Rule, calendar: WorkCalendar) -> Deadlines:
    """Sign, first-contact and reply deadlines counted from dispatch in office time."""
    if rule.reply_hours:
        reply_due = calendar.add_working_hours(start, float(rule.reply_hours))
    else:
        reply_due = calendar.add_working_days_at(start, float(rule.reply_days))
    return Deadlines(
        sign_due=calendar.add_working_hours(start, float(rule.sign_hours)),
        contact_due=calendar.add_working_hours(start, float(rule.contact_hours)),
        reply_due=reply_due,
    )


def shift_for_pause(
    due: dt.datetime, *, paused_at: dt.datetime, resumed_at: dt.datetime, calendar: WorkCalendar
) -> tuple[dt.datetime, float]:
    """Move a deadline by the office time the appeal was paused; returns (new due, paused working seconds)."""
    paused = max(0.0, calendar.working_seconds_between(paused_at, resumed_at))
    remaining = max(0.0, calendar.working_seconds_between(paused_at, due))
    return calendar.add_working_seconds(resumed_at, remaining), paused


def check_extension(
    *, now: dt.datetime, due: dt.datetime, days: int, approved_days: int, approved_count: int
) -> str:
    """Why an extension request is not allowed ('' if it is): before expiry, and bounded."""
    if days < 1:
        return "延期天数至少为 1 个工作日。"
    if now >= due:
        return "已超过办理期限，延期须在期限届满前申请。"
    if approved_count >= MAX_EXTENSIONS:
        return f"每件诉求最多延期 {MAX_EXTENSIONS} 次。"
    if approved_days + days > MAX_EXTENSION_DAYS:
        return f"累计延期不得超过 {MAX_EXTENSION_DAYS} 个工作日（已延期 {approved_days} 个工作日）。"
    return ""


def extend(due: dt.datetime, *, days: int, calendar: WorkCalendar) -> dt.datetime:
    return calendar.add_working_days_at(due, days)


def dispute_allowed(*, dispatched_at: dt.datetime, now: dt.datetime, calendar: WorkCalendar) -> bool:
    """退单 is allowed only within DISPUTE_WINDOW_HOURS working hours of the dispatch."""
    return calendar.working_seconds_between(dispatched_at, now) <= DISPUTE_WINDOW_HOURS * 3600


@dataclass(frozen=True)
class Clock:
    """What the appeal page shows: remaining office time and a traffic light (红黄绿灯)."""

    remaining_seconds: float  # negative when overdue
    light: str  # green / yellow / red
    label: str


def clock(*, now: dt.datetime, start: dt.datetime, due: dt.datetime, calendar: WorkCalendar) -> Clock:
    remaining = calendar.working_seconds_between(now, due)
    total = max(1.0, calendar.working_seconds_between(start, due))
    if remaining < 0:
        return Clock(remaining, "red", f"已超期 {_human(-remaining, calendar)}")
    light = "yellow" if remaining <= URGE_AT_REMAINING_SHARE * total else "green"
    return Clock(remaining, light, f"剩余 {_human(remaining, calendar)}")


def _human(seconds: float, calendar: WorkCalendar) -> str:
    day = calendar.seconds_per_day
    days, rest = divmod(int(seconds), day)
    hours = rest // 3600
    minutes = (rest % 3600) // 60
    if days:
        return f"{days} 个工作日 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分（工作时间）"
    return f"{minutes} 分钟（工作时间）"


def escalation_moments(
    *, start: dt.datetime, due: dt.datetime, calendar: WorkCalendar
) -> tuple[dt.datetime, ...]:
    """When an open appeal reaches each ladder level: 1 催办, 2 督办, 3 通报.

    1 when URGE_AT_REMAINING_SHARE of the office time is left; 2 when the deadline passes (督办通知书 the day
    after expiry); 3 when still open PUBLICIZE_AFTER_DAYS working days after expiry.
    """
    total = max(1.0, calendar.working_seconds_between(start, due))
    urge = calendar.add_working_seconds(start, (1 - URGE_AT_REMAINING_SHARE) * total)
    return (min(urge, due), due, calendar.add_working_days_at(due, PUBLICIZE_AFTER_DAYS))


def target_escalation(
    *, now: dt.datetime, start: dt.datetime, due: dt.datetime, calendar: WorkCalendar
) -> int:
    """The ladder level an open appeal should be at now (0 none … 3 通报)."""
    return sum(now >= moment for moment in escalation_moments(start=start, due=due, calendar=calendar))


def next_escalation_at(
    *, level: int, start: dt.datetime, due: dt.datetime, calendar: WorkCalendar
) -> dt.datetime | None:
    """When the level after `level` falls due (None at the top of the ladder): the sweeper's indexed column."""
    moments = escalation_moments(start=start, due=due, calendar=calendar)
    return moments[level] if level < len(moments) else None
