"""`make serve` starts the background worker beside gunicorn (DESIGN.md's contract)."""

import time


def test_make_serve_runs_the_task_worker(served_site):
    deadline = time.monotonic() + 30
    workers = []
    while time.monotonic() < deadline and not workers:
        workers = served_site.query("SELECT worker_id, pid FROM taskqueue_workerheartbeat")
        time.sleep(0.2)
    assert len(workers) == 1, served_site.log()
    assert "started worker" in served_site.log() and "started web" in served_site.log()
