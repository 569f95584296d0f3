"""The coverage state of each trainee (oversight.models.CoverageState): kept by the database triggers of migration
0004_coveragestate on every write. A bulk load that switches those triggers off for speed (bench/dashboard.py's
COPY) rebuilds the state afterwards with `coverage_state_rebuild`, the same statement the triggers run, for all
trainees at once."""

from __future__ import annotations

import importlib

from django.db import connection, transaction

_SQL = importlib.import_module("oversight.migrations.0004_coveragestate")
TRIGGERED = ["training_trainee", "training_enrollment", "exams_certificate"]


ON_ROSTER = "n.status IN ('active', 'completed')"
# The triggers' statement for every trainee at once: the enrolments aggregated in one pass (GROUP BY trainee)
# instead of subqueries per trainee; the same figures (tests/oversight/test_charts.py compares them).
BULK = f"""
INSERT INTO oversight_coveragestate ({_SQL.COLUMNS})
SELECT t.id, t.enterprise_id, e.region_id, e.park_id, t.personnel_class, t.new_or_transferred,
  (SELECT p.provider_id FROM training_enrollment n JOIN training_trainingproject p ON p.id = n.project_id
   WHERE n.trainee_id = t.id AND {ON_ROSTER} ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
  COALESCE(a.enrolled, 0) = 1, COALESCE(a.trained, 0) = 1, COALESCE(a.passed, 0) = 1,
  EXISTS (SELECT 1 FROM exams_certificate c WHERE c.trainee_id = t.id AND c.status = 'valid'),
  a.enrolled_at, a.trained_on, a.passed_on
FROM training_trainee t JOIN training_enterprise e ON e.id = t.enterprise_id
LEFT JOIN (
  SELECT n.trainee_id,
    MAX(CASE WHEN {ON_ROSTER} THEN 1 ELSE 0 END) AS enrolled,
    MAX(CASE WHEN n.trained_on IS NOT NULL THEN 1 ELSE 0 END) AS trained,
    MAX(CASE WHEN n.exam_passed_on IS NOT NULL THEN 1 ELSE 0 END) AS passed,
    MIN(CASE WHEN {ON_ROSTER} THEN n.created_at END) AS enrolled_at,
    MIN(n.trained_on) AS trained_on, MIN(n.exam_passed_on) AS passed_on
  FROM training_enrollment n GROUP BY n.trainee_id
) a ON a.trainee_id = t.id
WHERE 1 = 1
ON CONFLICT (trainee_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in _SQL.COLUMNS.split(", ")[1:])}"""


@transaction.atomic
def coverage_state_rebuild() -> int:
    """Rewrite the state of every trainee and drop the rows of trainees gone; returns the number of trainees."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # statistics of what was just loaded, so the plan uses the indexes
            for table in ("training_trainee", "training_enrollment", "exams_certificate"):
                cursor.execute(f"ANALYZE {table}")
        cursor.execute(BULK)
        cursor.execute(
            "DELETE FROM oversight_coveragestate WHERE NOT EXISTS "
            "(SELECT 1 FROM training_trainee t WHERE t.id = oversight_coveragestate.trainee_id)"
        )
        cursor.execute("SELECT COUNT(*) FROM oversight_coveragestate")
        return cursor.fetchone()[0]


def triggers(enabled: bool) -> None:
    """Switch the state triggers on or off (PostgreSQL, inside the bulk load's transaction only)."""
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred foreign-key checks of the load first
        for table in TRIGGERED:
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER oversight_state_{table}")
