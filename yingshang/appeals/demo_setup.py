"""Demo data of the appeal loop: the catalogue, SLA rules, a realistic month of appeals across the counties in
every state (some overdue and escalated, some rated), and one Open311 key. Idempotent.

Appeals are walked through the real services at past moments. Departments without a demo login act through
unsaved stand-in users (never stored, never able to log in) so that each timeline names a plausible actor.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yingshang.accounts.models import User
from yingshang.accounts.roles import Role
from yingshang.appeals import classifier, services
from yingshang.appeals.choices import Channel, RequesterType
from yingshang.appeals.models import Appeal, AppealCategory, Open311Client
from yingshang.core.models import Region
from yingshang.core.selectors import load_work_calendar
from yingshang.enterprises.models import Enterprise

DEMO_KEY_PREFIX = "demo-"
APPEALS = 240
# final state → share of the demo month
OUTCOMES = (
    ("received", 0.07),
    ("refused", 0.04),
    ("merged", 0.02),
    ("dispatched", 0.05),
    ("disputed", 0.02),
    ("signed", 0.04),
    ("handling", 0.10),
    ("paused", 0.03),
    ("replied", 0.10),
    ("closed", 0.38),
    ("reopened", 0.03),
    ("archived", 0.12),
)


def _stand_in(department, role=Role.DEPARTMENT_STAFF, name="") -> User:
    """An unsaved actor for a department that has no demo login (superuser flag only inside this loader)."""
    return User(
        username=f"demo-{department.pk if department else 0}",
        role=role,
        department=department,
        full_name=name or f"{department.short_name or department.name}·经办人",
        is_superuser=True,
    )


def load_demo(*, stdout, seed: int) -> None:
    services.load_appeal_catalogue()
    if Appeal.objects.filter(client_key__startswith=DEMO_KEY_PREFIX).exists():
        stdout.write("诉求演示数据已存在，跳过。" + "\n")
        return
    rng = random.Random(seed)
    now = timezone.now()
    created = _generate(rng, now)
    escalated = services.sweep_appeals(now=now)
    for offset in range(0, 2):
        month = (timezone.localdate().replace(day=1) - dt.timedelta(days=offset * 28)).replace(day=1)
        services.refresh_monthly_stats(month, now=now)
    stdout.write(
        f"诉求演示数据：{created} 件（各状态均有），超期自动升级 {escalated['escalations']} 件。" + "\n"
    )
    if not Open311Client.objects.filter(name="演示第三方客户端").exists():
        key = services.issue_open311_key(name="演示第三方客户端")
        stdout.write("Open311 演示接入密钥（api_key，仅显示一次）：" + "\n")
        stdout.write(key + "\n")


def _generate(rng: random.Random, now: dt.datetime) -> int:
    calendar = load_work_calendar()
    texts: dict[str, list[str]] = {}
    for text, code in classifier.load_training():
        texts.setdefault(code, []).append(text)
    categories = {c.code: c for c in AppealCategory.objects.all()}
    counties = list(Region.objects.filter(kind="county"))
    operator = (
        User.objects.filter(username="rexian").first()
        or User.objects.filter(role=Role.OPERATOR_12345).first()
        or _stand_in(None, Role.OPERATOR_12345, "12345 话务员")
    )
    leader = User.objects.filter(role=Role.CITY_ADMIN).first() or _stand_in(None, Role.CITY_ADMIN, "市营商局")
    qiye = User.objects.filter(username="qiye").first()
    qiye_enterprises = list(Enterprise.objects.filter(memberships__user=qiye)) if qiye else []
    enterprises_by_county = {
        c.pk: list(Enterprise.objects.filter(region=c).order_by("id")[:80]) for c in counties
    }
    logins = {
        u.department_id: u for u in User.objects.filter(role=Role.DEPARTMENT_STAFF, department__isnull=False)
    }
    outcomes = [name for name, share in OUTCOMES for _ in range(round(share * APPEALS))]
    rng.shuffle(outcomes)
    count = 0
    for number, outcome in enumerate(outcomes):
        code = rng.choice(list(texts))
        county = rng.choice(counties)
        own = qiye is not None and qiye_enterprises and number % 12 == 0
        enterprise = (
            rng.choice(qiye_enterprises) if own else rng.choice(enterprises_by_county[county.pk] or [None])
        )
        received = now - dt.timedelta(days=rng.uniform(0.2, 30), hours=rng.uniform(0, 6))
        channel = rng.choice(
            [
                Channel.ENTERPRISE_WEB,
                Channel.HOTLINE_12345,
                Channel.HOTLINE_12345,
                Channel.VISIT,
                Channel.PUBLIC_FORM,
                Channel.API,
            ]
        )
        with transaction.atomic():
            appeal = services.file_appeal(
                by=qiye if own else operator,
                channel=Channel.ENTERPRISE_WEB if own else channel,
                category=categories[code],
                description=rng.choice(texts[code]),
                now=received,
                enterprise=enterprise,
                region=enterprise.region if enterprise else county,
                requester_type=RequesterType.ENTERPRISE if enterprise else RequesterType.INDIVIDUAL,
                contact_name=rng.choice("王李张刘陈杨赵黄周吴")
                + rng.choice(["经理", "女士", "先生", "会计"]),
                contact_phone=f"13{rng.randint(100000000, 999999999)}",
                client_key=f"{DEMO_KEY_PREFIX}{number}",
                urgency="urgent" if rng.random() < 0.06 else "normal",
            )
            _walk(
                appeal,
                outcome,
                rng=rng,
                operator=operator,
                leader=leader,
                logins=logins,
                now=now,
                calendar=calendar,
                requester=qiye if own else None,
            )
        count += 1
    return count


def _later(
    moment: dt.datetime, rng: random.Random, calendar, *, hours: float, now: dt.datetime
) -> dt.datetime:
    later = min(calendar.add_working_hours(moment, rng.uniform(0.2, hours)), now - dt.timedelta(minutes=5))
    return max(later, moment + dt.timedelta(minutes=1))  # never before the previous step


def _walk(appeal: Appeal, outcome: str, *, rng, operator, leader, logins, now, calendar, requester) -> None:
    """Move one appeal to its demo outcome through the services, at plausible past moments."""
    at = _later(appeal.received_at, rng, calendar, hours=2, now=now)
    if outcome == "received":
        return
    if outcome == "refused":
        services.refuse_appeal(
            appeal,
            kind=rng.choice(["litigation", "petition", "jurisdiction"]),
            reason="经核实，该事项不属于 12345 受理范围，已告知诉求人依法通过相应渠道办理。",
            by=operator,
            now=at,
        )
        return
    if outcome == "merged":
        target = (
            Appeal.objects.filter(category=appeal.category, status__in=["dispatched", "signed", "handling"])
            .exclude(pk=appeal.pk)
            .first()
        )
        if target is not None:
            services.merge_appeal(appeal, into=target, by=operator, now=at, note="同一事项重复反映，并单办理")
            return
    department = appeal.suggested_department
    appeal = services.dispatch_appeal(appeal, department=department, by=operator, now=at)
    staff = logins.get(department.pk) or _stand_in(department)
    if outcome == "dispatched":
        return
    at = _later(at, rng, calendar, hours=3 if rng.random() < 0.85 else 10, now=now)
    if outcome == "disputed":
        services.dispute_appeal(
            appeal,
            reason="经研究，该事项不属于本单位职责，建议改派相关部门。",
            by=staff,
            now=min(at, calendar.add_working_hours(appeal.dispatched_at, 3)),
        )
        return
    appeal = services.sign_appeal(appeal, by=staff, now=at)
    if outcome == "signed":
        return
    at = _later(at, rng, calendar, hours=10, now=now)
    appeal = services.contact_requester(
        appeal, note="已电话联系诉求人，了解具体情况并约定办理方式。", by=staff, now=at
    )
    if outcome == "handling":
        return
    if outcome == "paused":
        services.pause_appeal(
            appeal,
            reason="等待企业补充营业执照和相关合同材料。",
            by=staff,
            now=_later(at, rng, calendar, hours=8, now=now),
        )
        return
    at = _later(at, rng, calendar, hours=8 * (1 if appeal.kind == "consult" else 7), now=now)
    appeal = services.reply_appeal(
        appeal,
        text="经核查，已会同相关单位现场办理，问题已按政策规定处理，并向企业说明了后续办理渠道。",
        by=staff,
        now=at,
    )
    if outcome == "replied":
        return
    at = _later(at, rng, calendar, hours=8, now=now)
    rater = requester or _stand_in(None, Role.ENTERPRISE, "诉求企业")
    if outcome == "reopened":
        services.rate_appeal(
            appeal,
            level=2,
            resolution="unresolved",
            caused_by_unit=True,
            by=rater,
            now=at,
            comment="答复后问题仍未解决。",
        )
        return
    roll = rng.random()
    level, resolution = (
        (5, "resolved")
        if roll < 0.7
        else (4, "resolved")
        if roll < 0.88
        else (3, "partly")
        if roll < 0.96
        else (2, "unresolved")
    )
    if rng.random() < 0.3 and operator.pk:
        appeal = services.revisit_appeal(
            appeal,
            channel="phone",
            reached=True,
            level=level,
            resolution=resolution,
            by=operator,
            now=at,
            note="电话回访，企业对办理结果作出评价。",
        )
    else:
        appeal = services.rate_appeal(appeal, level=level, resolution=resolution, by=rater, now=at)
    if outcome == "archived" and appeal.status == "closed" and leader.pk:
        services.archive_appeal(
            appeal,
            evidence="企业确认问题已解决，评价满意，办理材料已归档。",
            by=leader,
            now=_later(at, rng, calendar, hours=8, now=now),
        )
