"""The durable task queue: emails (and other slow work) leave the request and survive failures.

django-tasks-db keeps each task as a row in our own database and `manage.py db_worker` runs them;
it has no retries and never recovers a task whose worker was killed. This app adds both
(``worker.py``), sends every email through the queue (``mail.py``) and shows Finance what is
waiting or failed (``admin_views.py``). Tasks carry ids only, never rendered messages or secrets.
"""

BACKEND = "background"
"""The TASKS alias of the durable backend (settings.py)."""

EMAIL_QUEUE = "email"
"""Emails have their own queue, so a worker can be given to other work alone."""
