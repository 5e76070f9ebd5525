"""`manage.py run_worker`: django-tasks-db's `db_worker`, with retries and recovery.

Same options as `db_worker`; by default it runs every queue of the durable "background" backend.
`make serve` and `make run` start it beside the web server.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from ijm_site.taskqueue import BACKEND
from ijm_site.taskqueue.worker import RetryingWorker


class Command(db_worker.Command):
    help = "Run the background task worker (emails), with retries and recovery"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(backend_name=BACKEND, queue_name="*")

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        worker = RetryingWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
