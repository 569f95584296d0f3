"""PostgreSQL COPY for new rows of one model: the fast form of bulk_create for large rosters.

The database still enforces every constraint (unique ID number, one active project per person, foreign keys).
Fields not given take their model default, computed once (auto_now_add: the time of the import).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def _defaults(model: type[Model], given: list[str]) -> dict:
    now = timezone.now()
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in given or field.attname in given:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            defaults[field.column] = now
        else:
            defaults[field.column] = field.get_db_prep_save(field.get_default(), connection)
    return defaults


def copy_insert(model: type[Model], fields: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples of values of `fields`, primary keys from the database) with COPY."""
    meta = model._meta
    defaults = _defaults(model, fields)
    columns = [meta.get_field(name).column for name in fields] + list(defaults)
    constant = tuple(defaults.values())
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + constant)


def any_of(values: list, db_type: str = "text"):
    """For `field__in=`: on PostgreSQL one array parameter (`IN (SELECT unnest(%s))`) instead of one per value."""
    from django.db.models.expressions import RawSQL

    return RawSQL(f"SELECT unnest(%s::{db_type}[])", [values])
