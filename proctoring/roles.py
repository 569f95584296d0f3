"""Who may do what in online-study oversight: proctoring's rows of the one table (training/roles.py).

Registered from ProctoringConfig.ready(). Face templates and photos have no admin permission for anyone but
superusers; reviewers open images through the logged view only (proctoring.services.audit).
"""

from training.roles import Role

# Oversight of online study: consent records, study sessions, flags and the log of who viewed which image.
_STUDY_OVERSIGHT = {
    "proctoring.view_biometricconsent",
    "proctoring.view_studysession",
    "proctoring.view_flag",
    "proctoring.view_imageaccesslog",
    "proctoring.view_proxyring",  # one face under several accounts across a province (proctoring.rings)
}
# Those who answer for the biometric data of their region or projects: review flags and the face templates
# behind them, open the images (logged), and see how many people's face data the system holds.
_REVIEWER = _STUDY_OVERSIGHT | {
    "proctoring.review_flag",
    "proctoring.review_template",
    "proctoring.view_biometric_image",
    "proctoring.view_face_data_count",
}

GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: {
        "proctoring.view_biometricconsent",
        "proctoring.view_bulkenrolmentjob",
        "proctoring.bulk_enrol_faces",
    },
    Role.EM_OFFICER: _REVIEWER,
    # HR checks the face tolerance against the reviewed flags (人脸核验校准); proctoring.services.tolerance lets
    # only a provincial officer change it.
    Role.HR_OFFICER: _REVIEWER | {"proctoring.calibrate_faces", "proctoring.set_face_tolerance"},
    Role.AUDITOR: _REVIEWER,
}
