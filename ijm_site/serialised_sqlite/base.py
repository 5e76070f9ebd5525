"""Django's SQLite backend, with each process's write transactions taken in turn.

SQLite lets one writer in at a time. A transaction that finds the file locked is left to
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and retries, rather than
queueing: under gunicorn's threads, a writer can sleep long after the lock was freed while
newcomers slip in ahead of it. Every transaction here starts with ``BEGIN IMMEDIATE`` (the
``transaction_mode`` in settings), so it is a write transaction; this backend makes the threads
of one process queue for a lock of their own before that ``BEGIN``, and hands it on the moment
the transaction commits or rolls back. The busy handler then only arbitrates between processes
(the web workers and the task worker).

A thread waits at most the busy timeout for its turn, then fails as SQLite itself would
("database is locked"), so a stuck transaction never hangs every other thread for good.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_write_turn = threading.Lock()
"""One per process: every connection of every thread in it shares the turn."""


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_turn = False

    def _start_transaction_under_autocommit(self):
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not _write_turn.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for this process's write turn)")
        self.holds_write_turn = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_write_turn()
            raise

    def _end_write_turn(self):
        if self.holds_write_turn:
            self.holds_write_turn = False
            _write_turn.release()

    def set_autocommit(self, autocommit, *args, **kwargs):
        """Atomic's exit turns autocommit back on after its COMMIT or ROLLBACK: the turn ends."""
        try:
            return super().set_autocommit(autocommit, *args, **kwargs)
        finally:
            if autocommit:
                self._end_write_turn()

    def close(self):
        try:
            super().close()
        finally:
            self._end_write_turn()
