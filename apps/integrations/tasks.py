"""Background work of integrations: importing an uploaded CRM log file, and resuming imports left waiting."""

from celery import shared_task

from apps.integrations import services


@shared_task(name="apps.integrations.tasks.run_usage_import", acks_late=True)
def run_usage_import(*, usage_import_id: int) -> int:
    """Import an uploaded log file in resumable chunks; return the rows now done."""
    return services.usage_import_run(usage_import_id=usage_import_id).rows_done


@shared_task(name="apps.integrations.tasks.resume_usage_imports")
def resume_usage_imports() -> int:
    """Queue imports whose enqueue failed (broker down); return how many."""
    return services.usage_imports_resume()
