"""Rows a unit of work writes many of (transition log, outbox events), kept and written together as it ends.

A step moves a job, an item and a service and announces each: one INSERT per row was most of its statements.
Rows are written inside the unit's transaction, just before it commits, so they stay atomic with the change.
A row added inside a savepoint that is rolled back is dropped with it, as its INSERT would have been: each row
carries a no-op on-commit hook, which Django discards with the savepoint."""
import threading
from contextlib import contextmanager

from django.db import connection, transaction

_open = threading.local()


class TransactionMarker:
    """A no-op on-commit hook: while it is still pending, the transaction (or savepoint) it was placed in has
    neither committed nor rolled back."""

    def __call__(self) -> None:  # runs (and does nothing) at commit
        pass

    @classmethod
    def place(cls) -> "TransactionMarker":
        marker = cls()
        transaction.on_commit(marker)
        return marker

    def pending(self) -> bool:
        return any(hook is self for _, hook, _ in connection.run_on_commit)


class WriteBatch:
    def __init__(self, name: str, write):
        self.name = name
        self.write = write  # list of rows -> None

    def add(self, row) -> bool:
        """Keep the row for the open batch; False when none is open (the caller writes it at once)."""
        rows = getattr(_open, self.name, None)
        if rows is None:
            return False
        rows.append((row, TransactionMarker.place()))
        return True

    @contextmanager
    def collecting(self):
        if getattr(_open, self.name, None) is not None:  # an outer batch writes ours too
            yield
            return
        setattr(_open, self.name, rows := [])
        try:
            yield
        finally:
            setattr(_open, self.name, None)
        alive = {id(hook) for _, hook, _ in connection.run_on_commit}  # one pass, not marker.pending() per row
        kept = [row for row, marker in rows if id(marker) in alive]
        if kept:
            self.write(kept)
