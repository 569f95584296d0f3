"""The back office lists study sessions and flags read-only, in scope, for the oversight roles only."""

import pytest
from django.urls import reverse

from tests.factories import region_tree, staff_user
from tests.proctoring.test_flags import case  # noqa: F401  (the fixture: a trainee's session with a proxy flag)
from training.roles import Role

pytestmark = pytest.mark.django_db


def _lianyungang_officer(role):
    _p, city, _k = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))
    return staff_user(role, region=city)


@pytest.mark.parametrize("model", ["flag", "studysession"])
def test_oversight_roles_read_in_scope_and_get_404_outside(case, client, model):  # noqa: F811
    flag = case[3]
    obj = flag if model == "flag" else flag.session
    inside = staff_user(Role.EM_OFFICER, region=obj.enrollment.project.region)
    client.force_login(inside)
    listing = client.get(reverse(f"admin:proctoring_{model}_changelist"))
    assert listing.status_code == 200
    assert reverse(f"admin:proctoring_{model}_change", args=[obj.pk]) in listing.content.decode()
    assert client.post(reverse(f"admin:proctoring_{model}_change", args=[obj.pk]), {}).status_code == 403

    client.force_login(_lianyungang_officer(Role.HR_OFFICER))
    assert obj not in client.get(reverse(f"admin:proctoring_{model}_changelist")).context["cl"].result_list
    assert client.get(reverse(f"admin:proctoring_{model}_change", args=[obj.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.SI_OFFICER, Role.EXPERT])
def test_roles_without_oversight_cannot_open_flags(case, client, role):  # noqa: F811
    client.force_login(staff_user(role, region=region_tree()[1]) if role == Role.SI_OFFICER else staff_user(role))
    assert client.get(reverse("admin:proctoring_flag_changelist")).status_code == 403
