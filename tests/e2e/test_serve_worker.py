"""`make serve` starts the background worker beside gunicorn (DESIGN.md's contract)."""

import sqlite3
import time


def test_make_serve_runs_the_task_worker(served_site):
    deadline = time.monotonic() + 30
    workers = []
    while time.monotonic() < deadline and not workers:
        with sqlite3.connect(served_site.database) as db:
            workers = db.execute("SELECT worker_id, pid FROM taskqueue_workerheartbeat").fetchall()
        time.sleep(0.2)
    assert len(workers) == 1, served_site.log()
    assert "started worker" in served_site.log() and "started web" in served_site.log()
