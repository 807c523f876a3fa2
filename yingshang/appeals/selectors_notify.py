"""Who is told about an appeal event (站内消息的接收人)."""

from __future__ import annotations

from yingshang.accounts.models import User
from yingshang.accounts.roles import Role
from yingshang.appeals.models import Appeal

HANDLER_EVENTS = {"dispatched", "urge", "urged", "supervise", "publicize", "sign_overdue", "reopened"}
REQUESTER_EVENTS = {"received", "refused", "paused", "replied", "reopened"}
DISPATCHER_EVENTS = {"disputed", "publicize"}
LEADER_EVENTS = {"extension_requested", "supervise", "publicize"}


def recipients_for(appeal: Appeal, event: str) -> list[User]:
    people: dict[int, User] = {}
    active = User.objects.filter(is_active=True)
    if event in HANDLER_EVENTS and appeal.handling_department_id:
        for user in active.filter(
            department=appeal.handling_department_id, role__in=[Role.DEPARTMENT_STAFF, Role.DEPARTMENT_LEADER]
        ):
            people[user.pk] = user
    if event in LEADER_EVENTS and appeal.handling_department_id:
        for user in active.filter(
            role=Role.DEPARTMENT_LEADER, department__path__in=_ancestors(appeal.handling_department.path)
        ):
            people[user.pk] = user
    if event in REQUESTER_EVENTS:
        recorder = appeal.recorded_by_id if event != "received" else None
        for user_id in filter(None, [appeal.submitted_by_id, recorder]):
            user = active.filter(pk=user_id).first()
            if user is not None:
                people[user.pk] = user
    if event in DISPATCHER_EVENTS:
        for user in active.filter(role=Role.OPERATOR_12345)[:20]:
            people[user.pk] = user
        if appeal.region_id:
            for user in active.filter(role=Role.COUNTY_ADMIN, region=appeal.region_id):
                people[user.pk] = user
    return list(people.values())


def _ancestors(path: str) -> list[str]:
    """Materialized paths end with a dot ("0001.0002."): every prefix ending in a dot is an ancestor."""
    return [path[: i + 1] for i, char in enumerate(path) if char == "."]
