"""What each role may do in the exam app (full permission names; registered with training.roles)."""

from training.roles import Role

_RESULTS = {
    "exams.view_results",
    "exams.view_attempt",
    "exams.view_answer",
    "exams.view_attemptevent",
    "exams.view_certificate",
    "exams.view_externalresult",
}

GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: {
        "exams.import_questions",
        "exams.manage_blueprint",
        "exams.manage_sitting",
        "exams.view_question",
        *_RESULTS,
    },
    Role.EM_OFFICER: {
        "exams.import_questions",
        "exams.import_results",
        "exams.manage_sitting",
        "exams.check_in",
        "exams.view_question",
        "exams.revoke_certificate",
        *_RESULTS,
    },
    Role.HR_OFFICER: {*_RESULTS, "exams.revoke_certificate"},
    Role.AUDITOR: {*_RESULTS},
    Role.SI_OFFICER: {"exams.view_certificate"},
}

# The role of the demo's exam-site staff (EM departments run the exams, SPEC 'People and organisations').
EXAM_SITE_STAFF_ROLE = Role.EM_OFFICER
