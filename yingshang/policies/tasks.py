"""Background work of the policy supermarket: precise push on publish and on profile change, expiry sweep.

Tasks take ids, are idempotent (matches are recomputed, notifications carry dedupe keys) and call services.
"""

from django.tasks import task
from django.utils import timezone

from yingshang.enterprises.models import Enterprise
from yingshang.policies import services
from yingshang.policies.models import Clause


@task()
def push_document_matches(*, document_id: int) -> dict:
    """After publication: re-match every enterprise against the document's clauses and notify the matched."""
    clauses = list(
        Clause.objects.active()
        .filter(document_id=document_id)
        .select_related("document")
        .prefetch_related("benefits")
    )
    if not clauses:
        return {"met": 0, "unknown": 0, "pushed": 0}
    return services.refresh_clause_matches(clauses, now=timezone.now())


@task()
def rematch_enterprise(*, enterprise_id: int) -> dict:
    """After an enterprise's profile changed: recompute its matches and notify new ones."""
    enterprise = (
        Enterprise.objects.select_related("region", "zone", "industry").filter(pk=enterprise_id).first()
    )
    if enterprise is None:
        return {}
    return services.refresh_enterprise_matches(enterprise, now=timezone.now())


@task()
def rematch_enterprises(*, enterprise_ids: list[int]) -> dict:
    """After a registry import changed many enterprises: re-match them in one task (chunked, no duplicate push)."""
    return services.refresh_enterprises_matches(enterprise_ids, now=timezone.now())


@task()
def deliver_push(*, delivery_id: int) -> str:
    """Send one SMS/e-mail push delivery (claimed with a conditional UPDATE; failures retried later)."""
    return services.deliver_push(delivery_id, now=timezone.now())


@task()
def retry_push_deliveries() -> int:
    """Every minute: enqueue the deliveries whose retry time has come."""
    due = services.due_push_deliveries(now=timezone.now())
    for delivery_id in due:
        deliver_push.enqueue(delivery_id=delivery_id)
    return len(due)


@task()
def sweep_policy_expiry() -> dict:
    """Daily: expire documents past their date and remind drafters of those about to expire."""
    return services.sweep_policy_expiry(now=timezone.now())
