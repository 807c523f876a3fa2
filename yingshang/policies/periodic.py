"""Scheduled work of the policy supermarket: the expiry sweep (idempotent; reminders are deduplicated)."""

from yingshang.policies.tasks import sweep_policy_expiry


def enqueue_periodic(now) -> list[str]:
    sweep_policy_expiry.enqueue()
    return ["sweep_policy_expiry"]
