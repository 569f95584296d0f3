from exams.models.bank import KNOWN_TOPICS, OPTION_LETTERS, Difficulty, Question, QuestionKind, QuestionVersion
from exams.models.certificates import Certificate, CertificateStatus, ExternalResult
from exams.models.papers import Blueprint, BlueprintCell, PaperItem
from exams.models.policy import ExamRuleSet, MultiScoring
from exams.models.sittings import (
    Answer,
    Attempt,
    AttemptEvent,
    AttemptStatus,
    CheckIn,
    EventKind,
    Sitting,
    SittingMode,
    SubmitReason,
)

__all__ = [
    "KNOWN_TOPICS",
    "OPTION_LETTERS",
    "Answer",
    "Attempt",
    "AttemptEvent",
    "AttemptStatus",
    "Blueprint",
    "BlueprintCell",
    "Certificate",
    "CertificateStatus",
    "CheckIn",
    "Difficulty",
    "EventKind",
    "ExamRuleSet",
    "ExternalResult",
    "MultiScoring",
    "PaperItem",
    "Question",
    "QuestionKind",
    "QuestionVersion",
    "Sitting",
    "SittingMode",
    "SubmitReason",
]
