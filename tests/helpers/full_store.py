"""A real full or read-only SQLite store for tests: the driver's own errors, not a mocked exception.

Disk full: every connection gets `PRAGMA max_page_count` clamped to the file's current size, then
writes are repeated until SQLite answers SQLITE_FULL ("database or disk is full") several times in a
row: the pages the next write of that shape needs are taken. Read-only: `PRAGMA query_only` gives
SQLITE_READONLY ("attempt to write a readonly database"), the error a read-only file gives, also
when the tests run as root (root ignores a chmod).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from ebok.storage import store

PRAGMAS = {"disk_full": "PRAGMA max_page_count = 1", "read_only": "PRAGMA query_only = ON"}


@contextmanager
def refusing(refusal: store.Refusal) -> Iterator[None]:
    """Make the test's store refuse writes as REFUSAL from every new connection on."""
    eng = store.engine()
    assert eng.dialect.name == "sqlite"

    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_connection.cursor()
        cur.execute(PRAGMAS[refusal])  # max_page_count is clamped to the current size: no growth
        cur.close()

    event.listen(eng, "connect", on_connect)
    eng.dispose()  # pooled connections were opened without the pragma
    try:
        yield
    finally:
        event.remove(eng, "connect", on_connect)
        eng.dispose()


def fill(write: Callable[[int], object], in_a_row: int = 3, limit: int = 5000) -> int:
    """Call WRITE(i) until the store refuses it as full IN_A_ROW times running; return the writes that landed."""
    landed = refused = 0
    for i in range(limit):
        try:
            write(i)
        except DBAPIError as exc:
            if store.write_refusal(exc) != "disk_full":
                raise
            refused += 1
            if refused == in_a_row:
                return landed
        else:
            landed += 1
            refused = 0
    raise AssertionError(f"the store never filled up in {limit} writes")
