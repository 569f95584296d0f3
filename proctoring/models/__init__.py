from proctoring.models.audit import ImageAccessLog, ImageKind
from proctoring.models.consent import BiometricConsent, ConsentDecision
from proctoring.models.study import (
    AppealStatus,
    Flag,
    FlagKind,
    FlagStatus,
    SessionStatus,
    Snapshot,
    SnapshotVerdict,
    StudySession,
)
from proctoring.models.templates import (
    BulkEnrolmentJob,
    BulkJobStatus,
    EnrolmentPhoto,
    EnrolmentSource,
    FaceTemplate,
    FaceTemplateEvent,
    ReviewStatus,
    TemplateAction,
    TemplateChangeSource,
    TemplateReview,
)

__all__ = [
    "BiometricConsent",
    "BulkEnrolmentJob",
    "BulkJobStatus",
    "ConsentDecision",
    "EnrolmentPhoto",
    "EnrolmentSource",
    "FaceTemplate",
    "FaceTemplateEvent",
    "ReviewStatus",
    "TemplateAction",
    "TemplateChangeSource",
    "TemplateReview",
    "ImageAccessLog",
    "ImageKind",
    "AppealStatus",
    "Flag",
    "FlagKind",
    "FlagStatus",
    "SessionStatus",
    "Snapshot",
    "SnapshotVerdict",
    "StudySession",
]
