"""The coverage state of each trainee (oversight.models.CoverageState): kept by the database triggers of migration
0004_coveragestate on every write. A bulk load that switches those triggers off for speed (bench/dashboard.py's
COPY) rebuilds the state afterwards with `coverage_state_rebuild`, the same statement the triggers run, for all
trainees at once."""

from __future__ import annotations

import importlib

from django.db import connection, transaction

_SQL = importlib.import_module("oversight.migrations.0004_coveragestate")
TRIGGERED = ["training_trainee", "training_enrollment", "exams_certificate"]


@transaction.atomic
def coverage_state_rebuild() -> int:
    """Rewrite the state of every trainee and drop the rows of trainees gone; returns the number of trainees."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL.upsert("1 = 1"))
        cursor.execute("DELETE FROM oversight_coveragestate WHERE trainee_id NOT IN (SELECT id FROM training_trainee)")
        cursor.execute("SELECT COUNT(*) FROM oversight_coveragestate")
        return cursor.fetchone()[0]


def triggers(enabled: bool) -> None:
    """Switch the state triggers on or off (PostgreSQL, inside the bulk load's transaction only)."""
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred foreign-key checks of the load first
        for table in TRIGGERED:
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER oversight_state_{table}")
