from training.models.classes import Attendance, AttendanceMethod, ClassSession, OfflineClass, SessionKind
from training.models.contracts import ExpertReview, ProjectStatusChange, ServiceContract
from training.models.hours import CreditedHours, CreditKind
from training.models.lessons import Lesson, LessonProgress
from training.models.organisations import Enterprise, EnterpriseKind, Provider, ProviderKind, ProviderStatus, Teacher
from training.models.people import PersonnelClass, Trainee, User
from training.models.plans import AUTHORING_ACTIONS, Course, Modality, PlanAction, PlanChange, PlanStatus, TrainingPlan
from training.models.policy import DOCUMENTARY_TITLE, ClassRule, RuleSet
from training.models.projects import Enrollment, EnrollmentStatus, ProjectStatus, TrainingProject
from training.models.regions import ChemicalPark, Region, RegionLevel
from training.models.rosters import RosterImport, RosterImportStatus

__all__ = [
    "Attendance",
    "AttendanceMethod",
    "ClassRule",
    "ClassSession",
    "Course",
    "Lesson",
    "LessonProgress",
    "CreditKind",
    "CreditedHours",
    "DOCUMENTARY_TITLE",
    "ExpertReview",
    "Modality",
    "OfflineClass",
    "AUTHORING_ACTIONS",
    "PlanAction",
    "PlanChange",
    "PlanStatus",
    "ProjectStatusChange",
    "RuleSet",
    "ServiceContract",
    "SessionKind",
    "TrainingPlan",
    "ChemicalPark",
    "Enrollment",
    "EnrollmentStatus",
    "Enterprise",
    "EnterpriseKind",
    "PersonnelClass",
    "ProjectStatus",
    "Provider",
    "ProviderKind",
    "ProviderStatus",
    "Region",
    "RegionLevel",
    "RosterImport",
    "RosterImportStatus",
    "Teacher",
    "Trainee",
    "TrainingProject",
    "User",
]
