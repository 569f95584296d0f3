"""Reads for the home pages: real counts from the user's scope."""

from django.db.models import Count

from training.models import Enterprise, PersonnelClass, Provider, ProviderStatus, Trainee, TrainingProject
from training.scope import visible


def home_counts(user) -> dict:
    trainees = visible(user, Trainee.objects.all())
    by_class = dict(trainees.values_list("personnel_class").annotate(n=Count("pk")).order_by())
    return {
        "trainees_total": sum(by_class.values()),
        "trainees_by_class": [(label, by_class.get(value, 0)) for value, label in PersonnelClass.choices],
        "priority_trainees": trainees.filter(new_or_transferred=True).count(),
        "enterprises": visible(user, Enterprise.objects.all()).count(),
        "major_hazard_enterprises": visible(user, Enterprise.objects.filter(major_hazard=True)).count(),
        "providers": visible(user, Provider.objects.all()).count(),
        "projects": visible(user, TrainingProject.objects.all()).count(),
    }


def removed_providers():
    """The public list of removed providers (三(三) 公开曝光): anyone may read it."""
    return Provider.objects.filter(status=ProviderStatus.REMOVED).order_by("-status_changed_at")
