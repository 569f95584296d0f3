"""The pages: home per role, the scoped lists with filters and pagination, the public removed-providers list,
and the language switch."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, ProviderFactory, TraineeFactory, region_tree, staff_user
from training.models import PersonnelClass, ProviderStatus
from training.roles import Role
from training.services import organisations, people
from training.services.enrollments import enrollment_create
from training.services.projects import project_create
from training.validators import build_id_number, build_name
from training.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    _, city, _ = region_tree()
    client.force_login(staff_user(Role.EM_OFFICER, region=city))
    return client


def test_trainee_list_filters_by_class_and_enterprise(officer_client):
    first, second = EnterpriseFactory(name="甲化工"), EnterpriseFactory(name="乙化工")
    TraineeFactory(enterprise=first, name="赵一", personnel_class=PersonnelClass.DEPUTY_HEAD)
    TraineeFactory(enterprise=first, name="钱二", personnel_class=PersonnelClass.TEAM_LEADER)
    TraineeFactory(enterprise=second, name="孙三", personnel_class=PersonnelClass.TEAM_LEADER)

    def names(**params):
        page = officer_client.get(reverse("trainee-list"), params).context["page"]
        return sorted(t.name for t in page)

    assert names() == ["孙三", "赵一", "钱二"]
    assert names(personnel_class=3) == ["孙三", "钱二"]
    assert names(personnel_class=3, enterprise=first.pk) == ["钱二"]
    assert names(q="孙") == ["孙三"]


def test_trainee_list_paginates_and_masks_id_numbers(officer_client):
    enterprise = EnterpriseFactory()
    numbers = [
        build_id_number("370502", datetime.date(1980, 1, 1) + datetime.timedelta(days=n), n)
        for n in range(PAGE_SIZE + 3)
    ]
    for n, number in enumerate(numbers):
        TraineeFactory(enterprise=enterprise, id_number=number, name=build_name(n))
    first = officer_client.get(reverse("trainee-list"))
    assert len(first.context["page"]) == PAGE_SIZE
    assert "第 1 / 2 页" in first.content.decode()
    second = officer_client.get(reverse("trainee-list"), {"page": 2})
    assert len(second.context["page"]) == 3
    html = first.content.decode() + second.content.decode()
    assert not any(number in html for number in numbers)
    assert f"{numbers[0][:6]}********{numbers[0][-4:]}" in html


def test_enterprise_list_filters_by_kind_and_major_hazard(officer_client):
    EnterpriseFactory(name="储运公司", kind="storage", major_hazard=True)
    EnterpriseFactory(name="制药公司", kind="pharma")
    page = officer_client.get(reverse("enterprise-list"), {"major_hazard": "1"}).context["page"]
    assert [e.name for e in page] == ["储运公司"]
    page = officer_client.get(reverse("enterprise-list"), {"kind": "pharma"}).context["page"]
    assert [e.name for e in page] == ["制药公司"]


def test_official_home_shows_counts_by_class_and_by_county(officer_client):
    _, _, hekou = region_tree(county=("370503", "河口区"))
    TraineeFactory(personnel_class=PersonnelClass.DEPUTY_HEAD)
    TraineeFactory(enterprise=EnterpriseFactory(region=hekou, major_hazard=True), new_or_transferred=True)
    response = officer_client.get(reverse("home"))
    counts = response.context["counts"]
    assert counts["trainees_total"] == 2 and counts["priority_trainees"] == 1
    assert counts["trainees_by_class"][0][1] == 1 and counts["not_on_roster"] == 2
    rows = {row.label: row for row in response.context["area_rows"]}
    assert rows["河口区"].trainees == 1 and rows["河口区"].major_hazard == 1 and rows["东营区"].trainees == 1
    assert "河口区" in response.content.decode()


def test_trainee_home_shows_own_profile_enterprise_and_enrolments(client):
    trainee = TraineeFactory(name="周六")
    other = TraineeFactory(name="吴七")
    provider = ProviderFactory()
    project = project_create(
        code="P-1", name="东营项目", region=trainee.enterprise.region, year=2024, provider=provider
    )
    enrollment_create(project=project, trainee=trainee)
    enrollment_create(project=project, trainee=other)
    client.force_login(people.trainee_account_create(trainee=trainee, password="Pass-word-2024"))
    html = client.get(reverse("home")).content.decode()
    assert "周六" in html and trainee.enterprise.name in html and "东营项目" in html
    assert trainee.masked_id_number in html and trainee.id_number not in html
    assert "吴七" not in html


def test_removed_providers_are_public(client):
    provider = ProviderFactory(name="失信培训学校")
    organisations.provider_set_status(provider=provider, status=ProviderStatus.REMOVED, reason="考核不严，代考")
    ProviderFactory(name="正常培训中心")
    html = client.get(reverse("public-removed-providers")).content.decode()
    assert "失信培训学校" in html and "考核不严，代考" in html
    assert "正常培训中心" not in html


def test_sign_in_page_is_chinese_by_default_and_english_on_request(client):
    chinese = client.get(reverse("login")).content.decode()
    assert "身份证号或用户名" in chinese and 'lang="zh-hans"' in chinese
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ID number or user name" in english and 'lang="en"' in english
    assert "身份证号或用户名" not in english


def test_language_switcher_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert "Sign in" in client.get(reverse("login")).content.decode()
