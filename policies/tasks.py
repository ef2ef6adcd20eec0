"""Background jobs, run by `manage.py db_worker` (or at once where TASKS_IMMEDIATE is on)."""

from django_tasks import task


@task()
def make_pdf(pdf_id: int) -> None:
    from .pdfs import pdf_make

    pdf_make(pdf_id=pdf_id)
