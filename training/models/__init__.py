from training.models.organisations import Enterprise, EnterpriseKind, Provider, ProviderKind, ProviderStatus, Teacher
from training.models.people import PersonnelClass, Trainee, User
from training.models.projects import Enrollment, EnrollmentStatus, ProjectStatus, TrainingProject
from training.models.regions import ChemicalPark, Region, RegionLevel

__all__ = [
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
    "Teacher",
    "Trainee",
    "TrainingProject",
    "User",
]
