"""The scope matrix: every role × every object type, through visible(), the pages and the admin.

Two separate region trees (Dongying, Shandong and Lianyungang, Jiangsu) each hold a park, an enterprise in the
park, a provider with a teacher, a trainee, a project (run by the provider, applied for with the park) and an
enrollment. Every account is bound inside the Dongying tree ("A"). For each role the table EXPECTED says which
of A's objects it sees; nobody but the superuser ever sees anything of the Lianyungang tree ("B"), whether by
list, by guessed id, by POST or by export.
"""

import pytest
from django.test import Client
from django.urls import reverse
from import_export.formats.base_formats import CSV

from tests.factories import EnterpriseFactory, ProviderFactory, TraineeFactory, region_tree, staff_user
from training.admin.organisations import EnterpriseAdmin, ProviderAdmin
from training.admin.people import TraineeAdmin
from training.models import ChemicalPark, Enrollment, Enterprise, Provider, Region, Teacher, Trainee, TrainingProject
from training.roles import Role, role_permissions
from training.scope import visible
from training.services import organisations, people
from training.services.enrollments import enrollment_create
from training.services.projects import project_create

pytestmark = pytest.mark.django_db

MODELS = {
    "region": Region,
    "chemicalpark": ChemicalPark,
    "enterprise": Enterprise,
    "provider": Provider,
    "teacher": Teacher,
    "trainee": Trainee,
    "trainingproject": TrainingProject,
    "enrollment": Enrollment,
}
ALL = frozenset(MODELS)
PROJECT_SIDE = frozenset({"enterprise", "provider", "teacher", "trainee", "trainingproject", "enrollment"})

# Which of tree A's objects each account sees (its scope), whatever its permissions.
EXPECTED = {
    "trainee": frozenset({"enterprise", "trainee", "enrollment"}),
    "provider": PROJECT_SIDE,
    "em": ALL,
    "em_province": ALL,
    "hr": ALL,
    "si": ALL,
    "park": frozenset({"region", "chemicalpark", "enterprise", "trainee", "trainingproject", "enrollment"}),
    "auditor": PROJECT_SIDE,
    "expert": PROJECT_SIDE,
}
ROLE_OF = {"em_province": Role.EM_OFFICER}
ACCOUNTS = list(EXPECTED)
STAFF_ACCOUNTS = [a for a in ACCOUNTS if a != "trainee"]


def _tree(tag, province, city, county):
    _, city_region, county_region = region_tree(province, city, county)
    park = organisations.park_create(name=f"{tag}化工园区", region=county_region)
    enterprise = EnterpriseFactory(region=county_region, park=park, name=f"{tag}化工有限公司")
    provider = ProviderFactory(region=city_region, name=f"{tag}培训中心")
    teacher = organisations.teacher_create(provider=provider, name=f"{tag}老师")
    trainee = TraineeFactory(enterprise=enterprise, name=f"{tag}学员")
    project = project_create(
        code=f"P-{tag}", name=f"{tag}项目", region=city_region, year=2024, provider=provider, park=park
    )
    enrollment = enrollment_create(project=project, trainee=trainee)
    return {
        "region": county_region,
        "chemicalpark": park,
        "enterprise": enterprise,
        "provider": provider,
        "teacher": teacher,
        "trainee": trainee,
        "trainingproject": project,
        "enrollment": enrollment,
        "_city": city_region,
    }


@pytest.fixture
def world():
    a = _tree("东营", ("370000", "山东省"), ("370500", "东营市"), ("370502", "东营区"))
    b = _tree("连云港", ("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))
    province_a = a["_city"].parent
    users = {
        "trainee": people.trainee_account_create(trainee=a["trainee"], password="Pass-word-2024"),
        "provider": staff_user(Role.PROVIDER_STAFF, provider=a["provider"]),
        "em": staff_user(Role.EM_OFFICER, region=a["_city"]),
        "em_province": staff_user(Role.EM_OFFICER, region=province_a),
        "hr": staff_user(Role.HR_OFFICER, region=a["_city"]),
        "si": staff_user(Role.SI_OFFICER, region=a["_city"]),
        "park": staff_user(Role.PARK_OFFICER, park=a["chemicalpark"]),
        "auditor": staff_user(Role.AUDITOR),
        "expert": staff_user(Role.EXPERT),
        "admin": staff_user(Role.ADMIN),
    }
    a["trainingproject"].auditors.add(users["auditor"])
    a["trainingproject"].experts.add(users["expert"])
    return {"a": a, "b": b, "users": users}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _can(account, model_name, action="view") -> bool:
    return f"training.{action}_{model_name}" in role_permissions(ROLE_OF.get(account, account))


def _admin_url(model_name, view, obj=None):
    args = [obj.pk] if obj is not None else []
    return reverse(f"admin:training_{model_name}_{view}", args=args)


# --- the mechanism itself --------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("model_name", MODELS)
def test_visible_matrix(world, account, model_name):
    user, model = world["users"][account], MODELS[model_name]
    seen = set(visible(user, model.objects.all()).values_list("pk", flat=True))
    assert (world["a"][model_name].pk in seen) == (model_name in EXPECTED[account])
    assert world["b"][model_name].pk not in seen


@pytest.mark.parametrize("model_name", MODELS)
def test_superuser_sees_both_trees(world, model_name):
    seen = set(visible(world["users"]["admin"], MODELS[model_name].objects.all()).values_list("pk", flat=True))
    assert {world["a"][model_name].pk, world["b"][model_name].pk} <= seen


def test_province_officer_sees_the_cities_and_counties_below(world):
    officer = world["users"]["em_province"]
    regions = set(visible(officer, Region.objects.all()).values_list("code", flat=True))
    assert {"370000", "370500", "370502"} <= regions
    assert not regions & {"320000", "320700", "320703"}
    city_officer = world["users"]["em"]
    assert "370000" not in set(visible(city_officer, Region.objects.all()).values_list("code", flat=True))


# --- admin -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
@pytest.mark.parametrize("model_name", MODELS)
def test_admin_changelist_lists_only_the_scope(world, account, model_name):
    response = _client(world["users"][account]).get(_admin_url(model_name, "changelist"))
    if not _can(account, model_name):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    content = response.content.decode()
    in_scope = model_name in EXPECTED[account]
    assert (_admin_url(model_name, "change", world["a"][model_name]) in content) == in_scope
    assert _admin_url(model_name, "change", world["b"][model_name]) not in content


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_admin_guessed_ids_outside_the_scope_are_404(world, account, model_name, view):
    response = _client(world["users"][account]).get(_admin_url(model_name, view, world["b"][model_name]))
    assert response.status_code == 404


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
@pytest.mark.parametrize("model_name", MODELS)
def test_admin_change_view_in_scope_needs_the_permission(world, account, model_name):
    response = _client(world["users"][account]).get(_admin_url(model_name, "change", world["a"][model_name]))
    if model_name not in EXPECTED[account]:
        assert response.status_code == 404
    elif _can(account, model_name):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


NAMED = ["chemicalpark", "enterprise", "provider", "teacher", "trainee", "trainingproject"]


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
@pytest.mark.parametrize("model_name", NAMED)
def test_admin_posts_to_out_of_scope_objects_change_nothing(world, account, model_name):
    target = world["b"][model_name]
    client = _client(world["users"][account])
    response = client.post(_admin_url(model_name, "change", target), {"name": "改名", "region": "", "_save": "1"})
    assert response.status_code == 404
    response = client.post(_admin_url(model_name, "delete", target), {"post": "yes"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.name != "改名"


@pytest.mark.parametrize(("account", "model_name"), [("si", "enterprise"), ("hr", "trainee"), ("auditor", "trainee")])
def test_admin_view_only_roles_cannot_change_in_scope_objects(world, account, model_name):
    target = world["a"][model_name]
    response = _client(world["users"][account]).post(_admin_url(model_name, "change", target), {"name": "改名"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.name != "改名"


def test_trainees_never_reach_the_admin(world):
    client = _client(world["users"]["trainee"])
    for model_name in MODELS:
        response = client.get(_admin_url(model_name, "change", world["a"][model_name]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


EXPORTED = {"enterprise": (EnterpriseAdmin, "credit_code"), "provider": (ProviderAdmin, "credit_code"),
            "trainee": (TraineeAdmin, "id_number")}  # fmt: skip


def _export(client, model_name):
    admin_class, _ = EXPORTED[model_name]
    resource = admin_class.resource_classes[0]
    formats = [f for f in admin_class(MODELS[model_name], None).get_export_formats()]
    data = {"format": str(next(i for i, f in enumerate(formats) if issubclass(f, CSV))), "resource": "0"}
    data |= {f"{resource.__name__.lower()}_{field}": "on" for field in resource().get_export_order()}
    return client.post(_admin_url(model_name, "export"), data)


@pytest.mark.parametrize("account", [*STAFF_ACCOUNTS, "admin"])
@pytest.mark.parametrize("model_name", EXPORTED)
def test_admin_export_contains_only_the_scope(world, account, model_name):
    response = _export(_client(world["users"][account]), model_name)
    if account != "admin" and not _can(account, model_name):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content[:500]
    content = response.content.decode("utf-8-sig")
    key = EXPORTED[model_name][1]
    in_scope = account == "admin" or model_name in EXPECTED[account]
    assert (getattr(world["a"][model_name], key) in content) == in_scope
    assert (getattr(world["b"][model_name], key) in content) == (account == "admin")


# --- pages -------------------------------------------------------------------------------------------------

PAGES = {"trainee": ("trainee-list", "trainee-detail"), "enterprise": ("enterprise-list", "enterprise-detail")}


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("model_name", PAGES)
def test_list_and_detail_pages_show_only_the_scope(world, account, model_name):
    list_name, detail_name = PAGES[model_name]
    client = _client(world["users"][account])
    a, b = world["a"][model_name], world["b"][model_name]
    response = client.get(reverse(list_name))
    if not _can(account, model_name):
        assert response.status_code == 403
        assert client.get(reverse(detail_name, args=[a.pk])).status_code == 403
        return
    content = response.content.decode()
    in_scope = model_name in EXPECTED[account]
    assert (reverse(detail_name, args=[a.pk]) in content) == in_scope
    assert reverse(detail_name, args=[b.pk]) not in content
    assert b.name not in content
    assert client.get(reverse(detail_name, args=[a.pk])).status_code == (200 if in_scope else 404)
    assert client.get(reverse(detail_name, args=[b.pk])).status_code == 404


@pytest.mark.parametrize("account", [*ACCOUNTS, "admin"])
def test_home_counts_come_from_the_scope(world, account):
    response = _client(world["users"][account]).get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert world["b"]["trainee"].name not in content
    assert world["b"]["enterprise"].name not in content
    if account == "trainee":
        assert world["a"]["trainee"].name in content
        assert world["a"]["enterprise"].name in content
    else:
        expected_total = 2 if account == "admin" else int("trainee" in EXPECTED[account])
        assert response.context["counts"]["trainees_total"] == expected_total


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
def test_accounts_are_managed_by_superusers_only(world, account):
    client = _client(world["users"][account])
    assert client.get(reverse("admin:training_user_changelist")).status_code == 403
    other = world["users"]["admin"]
    assert client.get(reverse("admin:training_user_change", args=[other.pk])).status_code == 404
    assert client.post(reverse("admin:training_user_delete", args=[other.pk]), {"post": "yes"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
