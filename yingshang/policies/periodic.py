"""Scheduled work of the policy supermarket: the expiry sweep and push retries (both idempotent)."""

from yingshang.policies.tasks import retry_push_deliveries, sweep_policy_expiry


def enqueue_periodic(now) -> list[str]:
    sweep_policy_expiry.enqueue()
    retry_push_deliveries.enqueue()
    return ["sweep_policy_expiry", "retry_push_deliveries"]
