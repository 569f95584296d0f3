"""Reads for the scoped list pages (/trainees/, /enterprises/). Every queryset starts from `visible`."""

from django.db.models import Count, Q

from training.models import EnrollmentStatus, Enterprise, Region, Trainee
from training.scope import region_subtree, visible

ON_ROSTER = [EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]


def trainee_list(
    user,
    *,
    personnel_class: int | None = None,
    enterprise_id: int | None = None,
    q: str = "",
    region_id: int | None = None,
    on_roster: bool | None = None,
    priority: bool | None = None,
):
    """The home page's numbers link here with the same filters, so a count and its list always match."""
    trainees = visible(user, Trainee.objects.select_related("enterprise"))
    if region_id and (region := Region.objects.filter(pk=region_id).first()):
        trainees = trainees.filter(enterprise__region__in=region_subtree(region))
    if on_roster is not None:
        rostered = Trainee.objects.filter(enrollments__status__in=ON_ROSTER).values("pk")
        trainees = trainees.filter(pk__in=rostered) if on_roster else trainees.exclude(pk__in=rostered)
    if priority is not None:
        trainees = trainees.filter(new_or_transferred=priority)
    if personnel_class:
        trainees = trainees.filter(personnel_class=personnel_class)
    if enterprise_id:
        trainees = trainees.filter(enterprise_id=enterprise_id)
    if q:
        trainees = trainees.filter(Q(name__contains=q) | Q(id_number=q.upper()))
    return trainees.order_by("enterprise__name", "name", "pk")


def enterprise_list(
    user, *, kind: str = "", major_hazard: bool | None = None, q: str = "", region_id: int | None = None
):
    enterprises = visible(user, Enterprise.objects.select_related("region__parent", "park"))
    if region_id and (region := Region.objects.filter(pk=region_id).first()):
        enterprises = enterprises.filter(region__in=region_subtree(region))
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if major_hazard is not None:
        enterprises = enterprises.filter(major_hazard=major_hazard)
    if q:
        enterprises = enterprises.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    # Counted over the trainees the user may see, so a count never reveals people outside the scope.
    seen = visible(user, Trainee.objects.all()).values("pk")
    return enterprises.annotate(
        **{f"c{n}": Count("trainees", filter=Q(trainees__personnel_class=n, trainees__in=seen)) for n in (1, 2, 3)}
    ).order_by("name", "pk")


def enterprise_choices(user):
    """Enterprises for the trainee list's filter: only those the user may see."""
    return visible(user, Enterprise.objects.all()).order_by("name").values_list("pk", "name")
