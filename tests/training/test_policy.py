"""The rule set in force for a region and date (national default, stricter province sets from their date)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import region_tree
from tests.training import builders
from training.models import PersonnelClass, RuleSet
from training.selectors.policy import class_rule_values, rule_set_in_force
from training.services.policy import NATIONAL_DEFAULT, rule_set_create

pytestmark = pytest.mark.django_db

D = datetime.date


def _stricter(region, effective_from, *, offline=70, cap=30, name="山东省加强版"):
    rules = {pc: dict(values) for pc, values in NATIONAL_DEFAULT.items()}
    for values in rules.values():
        values["min_offline_percent"] = offline
    rules[PersonnelClass.DEPUTY_HEAD]["class_capacity"] = cap
    return rule_set_create(region=region, effective_from=effective_from, name=name, class_rules=rules)


def test_national_default_exists_after_migrate_with_the_numbers_of_the_notice():
    national = RuleSet.objects.get(region__isnull=True)
    values = {pc: class_rule_values(national, pc) for pc in PersonnelClass.values}
    assert [(v.min_total_hours, v.max_total_hours) for v in values.values()] == [(24, 48), (24, 48), (24, 72)]
    assert [v.min_offline_percent for v in values.values()] == [60, 60, 60]
    assert [v.min_practical_percent for v in values.values()] == [0, 0, 25]
    assert [v.class_capacity for v in values.values()] == [40, 80, 80]
    assert national.documentary_required and national.documentary_title == "生命重于泰山"


def test_without_regional_sets_the_national_default_applies():
    _, _, county = region_tree()
    assert rule_set_in_force(county, D(2024, 1, 1)).region is None


def test_province_set_wins_from_its_effective_date_not_before():
    province, city, county = region_tree()
    stricter = _stricter(province, D(2024, 7, 1))
    assert rule_set_in_force(county, D(2024, 6, 30)).region is None
    assert rule_set_in_force(county, D(2024, 7, 1)) == stricter
    assert rule_set_in_force(city, D(2025, 1, 1)) == stricter
    assert class_rule_values(stricter, PersonnelClass.DEPUTY_HEAD).min_offline_percent == Decimal(70)


def test_other_provinces_keep_the_national_default():
    province, _, _ = region_tree()
    _stricter(province, D(2024, 1, 1))
    _, _, other_county = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320706", "海州区"))
    assert rule_set_in_force(other_county, D(2024, 7, 1)).region is None


def test_the_most_specific_region_wins_and_the_latest_date_within_it():
    province, city, county = region_tree()
    _stricter(province, D(2024, 1, 1))
    city_set = _stricter(city, D(2024, 3, 1), offline=65, name="东营市")
    city_later = _stricter(city, D(2024, 9, 1), offline=75, name="东营市修订")
    assert rule_set_in_force(county, D(2024, 2, 1)).region == province
    assert rule_set_in_force(county, D(2024, 3, 1)) == city_set
    assert rule_set_in_force(county, D(2024, 9, 1)) == city_later
    assert rule_set_in_force(province, D(2024, 9, 1)).region == province  # a city's set never applies upwards


def test_a_rule_set_with_an_inverted_hour_range_is_refused():
    rules = dict(NATIONAL_DEFAULT)
    rules[PersonnelClass.DEPUTY_HEAD] = dict(NATIONAL_DEFAULT[PersonnelClass.DEPUTY_HEAD], max_total_hours=20)
    with pytest.raises(ValidationError) as exc:
        rule_set_create(region=None, effective_from=D(2025, 1, 1), name="错误", class_rules=rules)
    assert "最多总学时须不小于最少总学时" in str(exc.value)


def test_class_capacity_is_taken_from_the_province_set_in_force():
    province, city, _ = region_tree()
    _stricter(province, datetime.date(2020, 1, 1), cap=30)
    project = builders.project(region=city)
    assert builders.offline_class(project, PersonnelClass.DEPUTY_HEAD).capacity == 30
    assert builders.offline_class(project, PersonnelClass.SAFETY_MANAGER).capacity == 80


def test_a_rule_set_must_cover_the_three_classes():
    rules = {PersonnelClass.DEPUTY_HEAD: NATIONAL_DEFAULT[PersonnelClass.DEPUTY_HEAD]}
    with pytest.raises(ValidationError) as exc:
        rule_set_create(region=None, effective_from=D(2025, 1, 1), name="不全", class_rules=rules)
    assert exc.value.messages == ["培训规则须覆盖三类人员，缺少：专职安全管理人员、班组长"]


def test_a_province_may_tighten_but_not_loosen_the_national_rules():
    province, _, _ = region_tree()
    rules = {pc: dict(values) for pc, values in NATIONAL_DEFAULT.items()}
    rules[PersonnelClass.DEPUTY_HEAD].update(min_total_hours=20, class_capacity=41)
    rules[PersonnelClass.TEAM_LEADER].update(min_practical_percent="24.9")
    with pytest.raises(ValidationError) as exc:
        rule_set_create(region=province, effective_from=D(2024, 1, 1), name="放宽", class_rules=rules)
    assert exc.value.messages == [
        "安全生产分管负责人：最少总学时 20，低于全国规定的 24",
        "安全生产分管负责人：线下班级人数上限 41，高于全国规定的 40",
        "班组长：实训学时最低占比(%) 24.9，低于全国规定的 25",
    ]
    assert not RuleSet.objects.filter(region=province).exists()
    rules = {pc: dict(values) for pc, values in NATIONAL_DEFAULT.items()}
    rules[PersonnelClass.TEAM_LEADER].update(min_total_hours=32, min_practical_percent=30, class_capacity=50)
    assert rule_set_create(region=province, effective_from=D(2024, 1, 1), name="山东", class_rules=rules).pk


def test_admin_refuses_a_looser_provincial_rule_set(admin_client):
    from django.urls import reverse

    province, _, _ = region_tree()
    data = {
        "region": province.pk,
        "effective_from": "2024-07-01",
        "name": "山东省",
        "documentary_required": "on",
        "documentary_title": "生命重于泰山",
        "max_offline_hours_per_day": "8",
        "class_rules-TOTAL_FORMS": "3",
        "class_rules-INITIAL_FORMS": "0",
    }
    for i, (pc, values) in enumerate(NATIONAL_DEFAULT.items()):
        for key, value in dict(values, personnel_class=int(pc)).items():
            data[f"class_rules-{i}-{key}"] = str(value)
    data["class_rules-2-min_offline_percent"] = "59.9"
    url = reverse("admin:training_ruleset_add")
    response = admin_client.post(url, data)
    assert "班组长：线下学时最低占比(%) 59.9，低于全国规定的 60" in response.content.decode()
    assert not RuleSet.objects.filter(region=province).exists()
    data["class_rules-2-min_offline_percent"] = "70"
    data["max_offline_hours_per_day"] = "9"  # the admin door checks the daily maximum too
    response = admin_client.post(url, data)
    assert "班组长：每日线下学时上限 9，高于全国规定的 8" in response.content.decode()
    data["max_offline_hours_per_day"] = "7"
    assert admin_client.post(url, data).status_code == 302
    assert rule_set_in_force(province, D(2024, 7, 1)).name == "山东省"
