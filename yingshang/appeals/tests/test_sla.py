"""Time limits on the working-day calendar (pure, table-driven)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from yingshang.appeals import sla
from yingshang.core.workcalendar import SHANGHAI, WorkCalendar

CAL = WorkCalendar.build()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def rule(kind="", urgency="", requester="", category="", sign=2, contact=8, days=5, hours=None, rule_id=None):
    return sla.Rule(
        category, kind, urgency, requester, D(sign), D(contact), D(days), D(hours) if hours else None, rule_id
    )


RULES = [
    rule(rule_id=1),
    rule("consult", days=1, contact=4, rule_id=2),
    rule("complaint", days=10, rule_id=3),
    rule(urgency="urgent", sign="0.5", contact=1, days=1, hours=2, rule_id=4),
    rule("help", requester="individual", days=7, rule_id=5),
    rule(category="006", days=3, rule_id=6),
]


@pytest.mark.parametrize(
    ("category", "kind", "urgency", "requester", "expected_id"),
    [
        ("001", "consult", "normal", "enterprise", 2),
        ("003", "help", "normal", "enterprise", 1),
        ("003", "help", "normal", "individual", 5),
        ("011", "complaint", "normal", "enterprise", 3),
        ("001", "consult", "urgent", "enterprise", 4),  # urgency beats the kind rule
        ("006", "complaint", "urgent", "enterprise", 6),  # a category rule beats everything
    ],
)
def test_pick_rule_takes_the_most_specific(category, kind, urgency, requester, expected_id):
    chosen = sla.pick_rule(
        RULES, category_code=category, kind=kind, urgency=urgency, requester_type=requester
    )
    assert chosen.rule_id == expected_id


def test_pick_rule_without_any_match_raises_in_chinese():
    with pytest.raises(sla.NoRule, match="没有适用的办理时限规则"):
        sla.pick_rule([rule("consult")], category_code="", kind="help", urgency="", requester_type="")


@pytest.mark.parametrize(
    ("start", "chosen", "sign", "contact", "reply"),
    [
        # Wednesday 10:00, default rule: 2 h, 8 h, 5 working days (office 9–12, 13–18)
        ("2025-11-26 10:00", rule(), "2025-11-26 12:00", "2025-11-27 10:00", "2025-12-03 10:00"),
        # Friday afternoon: the weekend does not count
        ("2025-11-28 17:00", rule(), "2025-12-01 10:00", "2025-12-01 17:00", "2025-12-05 17:00"),
        # Consultation on the eve of National Day 2025 (1–8 Oct off): answered on 9 Oct
        (
            "2025-09-30 17:00",
            rule("consult", days=1, contact=4),
            "2025-10-09 10:00",
            "2025-10-09 12:00",
            "2025-10-09 17:00",
        ),
        # Urgent: two working hours
        (
            "2025-11-26 10:00",
            rule(urgency="urgent", sign="0.5", contact=1, hours=2),
            "2025-11-26 10:30",
            "2025-11-26 11:00",
            "2025-11-26 12:00",
        ),
        # Filed at night: the clock starts at 9:00 next working day
        ("2025-11-26 22:00", rule(), "2025-11-27 11:00", "2025-11-27 18:00", "2025-12-03 18:00"),
    ],
)
def test_deadlines(start, chosen, sign, contact, reply):
    limits = sla.deadlines(start=at(start), rule=chosen, calendar=CAL)
    assert (limits.sign_due, limits.contact_due, limits.reply_due) == (at(sign), at(contact), at(reply))


def test_pause_moves_the_deadline_by_the_paused_office_time():
    due, paused = sla.shift_for_pause(
        at("2025-12-03 10:00"),
        paused_at=at("2025-11-27 10:00"),
        resumed_at=at("2025-11-28 10:00"),
        calendar=CAL,
    )
    assert (due, paused) == (at("2025-12-04 10:00"), 8 * 3600)


def test_pause_over_a_weekend_costs_only_the_working_time():
    due, paused = sla.shift_for_pause(
        at("2025-12-03 10:00"),
        paused_at=at("2025-11-28 17:00"),
        resumed_at=at("2025-12-01 10:00"),
        calendar=CAL,
    )
    assert (due, paused) == (at("2025-12-03 12:00"), 2 * 3600)


@pytest.mark.parametrize(
    ("now", "days", "approved_days", "count", "expected"),
    [
        ("2025-12-01 10:00", 5, 0, 0, ""),
        ("2025-12-01 10:00", 15, 0, 0, ""),
        ("2025-12-01 10:00", 0, 0, 0, "延期天数至少为 1 个工作日。"),
        ("2025-12-03 10:00", 5, 0, 0, "已超过办理期限，延期须在期限届满前申请。"),
        ("2025-12-01 10:00", 5, 5, 1, "每件诉求最多延期 1 次。"),
        ("2025-12-01 10:00", 16, 0, 0, "累计延期不得超过 15 个工作日（已延期 0 个工作日）。"),
    ],
)
def test_extension_rules(now, days, approved_days, count, expected):
    assert (
        sla.check_extension(
            now=at(now),
            due=at("2025-12-03 10:00"),
            days=days,
            approved_days=approved_days,
            approved_count=count,
        )
        == expected
    )


def test_extend_adds_working_days():
    assert sla.extend(at("2025-12-03 10:00"), days=5, calendar=CAL) == at("2025-12-10 10:00")


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        ("2025-11-26 14:00", True),
        ("2025-11-26 15:00", True),
        ("2025-11-26 15:01", False),
        ("2025-11-27 09:30", False),
    ],
)
def test_dispute_window_is_four_working_hours(now, allowed):
    assert sla.dispute_allowed(dispatched_at=at("2025-11-26 10:00"), now=at(now), calendar=CAL) is allowed


def test_escalation_moments_and_levels():
    start, due = at("2025-11-26 10:00"), at("2025-12-03 10:00")
    moments = sla.escalation_moments(start=start, due=due, calendar=CAL)
    assert moments == (at("2025-12-02 10:00"), at("2025-12-03 10:00"), at("2025-12-10 10:00"))
    levels = [
        sla.target_escalation(now=at(t), start=start, due=due, calendar=CAL)
        for t in (
            "2025-11-28 10:00",
            "2025-12-02 10:00",
            "2025-12-03 09:59",
            "2025-12-03 10:00",
            "2025-12-09 18:00",
            "2025-12-10 10:00",
        )
    ]
    assert levels == [0, 1, 1, 2, 2, 3]
    assert sla.next_escalation_at(level=0, start=start, due=due, calendar=CAL) == at("2025-12-02 10:00")
    assert sla.next_escalation_at(level=3, start=start, due=due, calendar=CAL) is None


@pytest.mark.parametrize(
    ("now", "light", "label"),
    [
        ("2025-11-26 10:00", "green", "剩余 5 个工作日 0 小时"),
        ("2025-12-02 15:00", "yellow", "剩余 4 小时 0 分（工作时间）"),
        ("2025-12-03 09:30", "yellow", "剩余 30 分钟（工作时间）"),
        ("2025-12-04 10:00", "red", "已超期 1 个工作日 0 小时"),
    ],
)
def test_clock(now, light, label):
    shown = sla.clock(now=at(now), start=at("2025-11-26 10:00"), due=at("2025-12-03 10:00"), calendar=CAL)
    assert (shown.light, shown.label) == (light, label)


def test_rule_describe():
    assert rule().describe() == "2 个工作小时内签收，8 个工作小时内先行联系，5 个工作日内答复"
    assert rule(urgency="urgent", sign="0.5", contact=1, hours=2).describe() == (
        "0.5 个工作小时内签收，1 个工作小时内先行联系，2 个工作小时内答复"
    )
