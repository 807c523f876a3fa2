"""Background jobs of the registry (Django Tasks API)."""

from django.tasks import task


@task()
def run_enterprise_import(import_id: int) -> dict:
    """Run a stored enterprise import; safe to run twice (the batch is claimed and the import is idempotent)."""
    from yingshang.enterprises.services import run_import_batch

    batch = run_import_batch(import_id)
    return {"status": batch.status, "created": batch.created_count, "updated": batch.updated_count}
