"""A small Dongying: two counties, a park in one, enterprises and trainees built through the real services."""

import datetime
from dataclasses import dataclass

from tests.factories import EnterpriseFactory, TraineeFactory, region_tree, staff_user
from tests.training.builders import project
from training.models import PersonnelClass, Region, RegionLevel
from training.roles import Role
from training.services.enrollments import enrollment_create, enrollment_mark_passed
from training.services.organisations import park_create


@dataclass
class World:
    province: Region
    city: Region
    county: Region
    other_county: Region
    park: object
    other_park: object
    project: object
    em_city: object
    em_county: object
    park_officer: object
    enterprises: dict


def build_world() -> World:
    province, city, county = region_tree()
    other, _ = Region.objects.get_or_create(
        code="370503", defaults={"name": "河口区", "level": RegionLevel.COUNTY, "parent": city}
    )
    park = park_create(name="东营港经济开发区", region=county)
    other_park = park_create(name="河口蓝色经济产业园", region=other)
    enterprises = {
        "park": EnterpriseFactory(region=county, park=park, name="园区内化工公司"),
        "county": EnterpriseFactory(region=county, name="东营区园区外化工公司"),
        "other": EnterpriseFactory(region=other, park=other_park, name="河口区化工公司"),
    }
    return World(
        province=province,
        city=city,
        county=county,
        other_county=other,
        park=park,
        other_park=other_park,
        project=project(region=city),
        em_city=staff_user(Role.EM_OFFICER, region=city),
        em_county=staff_user(Role.EM_OFFICER, region=county),
        park_officer=staff_user(Role.PARK_OFFICER, park=park),
        enterprises=enterprises,
    )


def add_trainee(
    world, enterprise, personnel_class=PersonnelClass.SAFETY_MANAGER, *, enrol=False, passed=False, new=False
):
    trainee = TraineeFactory(enterprise=enterprise, personnel_class=personnel_class, new_or_transferred=new)
    if enrol or passed:
        enrollment = enrollment_create(project=world.project, trainee=trainee)
        if passed:
            enrollment_mark_passed(enrollment=enrollment, passed_on=datetime.date(2024, 6, 1), score=90)
    return trainee
