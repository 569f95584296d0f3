"""What each role may do in the exam app (full permission names; registered with training.roles).

The back office (exams/admin): providers and EM officers keep the bank of their scope (add and change questions,
import a file); providers set their projects' blueprints; both open sittings (EM departments run the exams,
SPEC 'People and organisations'). Auditors and HR see blueprints and sittings read-only with the results.
"""

from training.roles import Role

_RESULTS = {
    "exams.view_results",
    "exams.view_attempt",
    "exams.view_answer",
    "exams.view_attemptevent",
    "exams.view_certificate",
    "exams.view_externalresult",
    "exams.view_blueprint",
    "exams.view_sitting",
}
_BANK = {"exams.import_questions", "exams.view_question", "exams.add_question", "exams.change_question"}
_SITTINGS = {"exams.view_sitting", "exams.add_sitting", "exams.change_sitting"}

GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: {
        *_BANK,
        *_SITTINGS,
        "exams.add_blueprint",
        "exams.change_blueprint",
        *_RESULTS,
    },
    Role.EM_OFFICER: {
        *_BANK,
        *_SITTINGS,
        "exams.import_results",
        "exams.check_in",
        "exams.revoke_certificate",
        *_RESULTS,
    },
    Role.HR_OFFICER: {*_RESULTS, "exams.revoke_certificate"},
    Role.AUDITOR: {*_RESULTS},
    Role.SI_OFFICER: {"exams.view_certificate"},
}

# The role of the demo's exam-site staff (EM departments run the exams, SPEC 'People and organisations').
EXAM_SITE_STAFF_ROLE = Role.EM_OFFICER
