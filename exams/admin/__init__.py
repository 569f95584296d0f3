"""The exam app's back office: the question bank (versions, retiring, spreadsheet import), blueprints, sittings,
and the read-only evidence. Every write goes through exams/services; every picker and list is scoped."""

from exams.admin import (  # noqa: F401  (registers the ModelAdmins)
    bank,
    blueprints,
    evidence,
    sittings,
)
