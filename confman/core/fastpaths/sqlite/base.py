"""Django's SQLite backend for a server on one SQLite file (bench/checkin.py on SQLite).

Connections are kept: a closed one goes back to a small pool of the process (rolled back if a
transaction was left open, never after an error; in-memory databases are never pooled), so a
request does not read the schema again into an empty page cache. Writers queue in Python: the
threads of one process wait on a lock for the `BEGIN IMMEDIATE` write lock instead of in SQLite's
sleeping busy handler, and each goes on the moment the one before it commits or rolls back.

ENGINE "confman.core.fastpaths.sqlite" (confman.settings; off: FAST_PATHS_OFF=sqlite_pool)."""

import os
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POOL_SIZE = 8  # idle connections kept per database file, per process

_lock = threading.Lock()  # guards the two dicts below
_write_locks: dict[str, threading.Lock] = {}
_idle: dict[tuple[int, str], list] = {}  # (process id, database name): idle connections


def _write_lock(name: str) -> threading.Lock:
    with _lock:
        return _write_locks.setdefault(name, threading.Lock())


def close_idle(name: str | None = None) -> int:
    """Close this process's idle connections (to one database file, or to all); how many. For a
    file about to be removed or replaced, and for tests."""
    with _lock:
        keys = [key for key in _idle if key[0] == os.getpid() and name in (None, key[1])]
        conns = [conn for key in keys for conn in _idle.pop(key)]
    for conn in conns:
        conn.close()
    return len(conns)


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _pool_key(self) -> tuple[int, str] | None:
        if self.is_in_memory_db():
            return None
        # A forked child must not share its parent's connections.
        return (os.getpid(), str(self.settings_dict["NAME"]))

    def get_new_connection(self, conn_params):
        key = self._pool_key()
        if key is not None:
            with _lock:
                idle = _idle.get(key)
                conn = idle.pop() if idle else None
            if conn is not None:
                conn.execute("PRAGMA foreign_keys = ON")
                return conn
        return super().get_new_connection(conn_params)

    def _close(self):
        try:
            if self._keep(self.connection):
                return None
            return super()._close()
        finally:
            self._release_write_lock()

    def _keep(self, conn) -> bool:
        """Put a healthy connection back in the pool, if there is room."""
        key = self._pool_key()
        if key is None or conn is None or self.errors_occurred:
            return False
        try:
            if conn.in_transaction:
                conn.rollback()
        except base.Database.Error:
            return False
        with _lock:
            idle = _idle.setdefault(key, [])
            if len(idle) >= POOL_SIZE:
                return False
            idle.append(conn)
        return True

    def _start_transaction_under_autocommit(self):
        self.ensure_connection()  # transaction_mode is read from the options when connecting
        # Only transactions that take the write lock at BEGIN queue here.
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            return super()._start_transaction_under_autocommit()
        lock = _write_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout=timeout):
            raise OperationalError(
                f"database is locked: another transaction of this process held it over {timeout} s"
            )
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        if self._holds_write_lock:
            self._holds_write_lock = False
            _write_lock(str(self.settings_dict["NAME"])).release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_if_ended()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_if_ended()

    def _release_if_ended(self):
        # A COMMIT that failed leaves the transaction open; the rollback after it ends it.
        if self.connection is None or not self.connection.in_transaction:
            self._release_write_lock()
