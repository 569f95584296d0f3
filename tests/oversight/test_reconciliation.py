"""The figures reconcile: at every level the counties' rows add up to the city's row one level up, per class."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight import selectors
from tests.factories import EnterpriseFactory, staff_user
from tests.oversight.support import add_trainee, build_world
from training.models import PersonnelClass
from training.roles import Role

pytestmark = pytest.mark.django_db

FIELDS = ("people", "enrolled", "trained", "passed", "certified", "new_untrained")
person = st.tuples(
    st.sampled_from(["park", "county", "other", "city"]),
    st.sampled_from(list(PersonnelClass)),
    st.sampled_from(["none", "enrol", "passed"]),
    st.booleans(),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, max_size=12))
def test_sum_of_counties_equals_the_city_for_every_class(people):
    with transaction.atomic():
        world = build_world()
        world.enterprises["city"] = EnterpriseFactory(region=world.city, name="市直属企业")
        for where, personnel_class, state, new in people:
            add_trainee(world, world.enterprises[where], personnel_class, enrol=state == "enrol",
                        passed=state == "passed", new=new)  # fmt: skip
        officer = staff_user(Role.EM_OFFICER, region=world.province)
        province = selectors.coverage(officer)
        city_row = next(r for r in province.rows if r.label == world.city.name)
        city = selectors.coverage(officer, region_code=world.city.code)
        for personnel_class in PersonnelClass:
            for name in FIELDS:
                counties = sum(getattr(r.cells[personnel_class], name) for r in city.rows)
                assert counties == getattr(city_row.cells[personnel_class], name), (personnel_class, name)
                assert counties == getattr(city.total.cells[personnel_class], name)
                expected = sum(
                    1
                    for where, pc, state, new in people
                    if pc == personnel_class
                    and {
                        "people": True,
                        "enrolled": state != "none",
                        "trained": False,
                        "passed": state == "passed",
                        "certified": False,
                        "new_untrained": new,
                    }[name]
                )
                assert counties == expected, (personnel_class, name)
            # and one level down: the county's parks plus the enterprises outside a park
            county_row = next(r for r in city.rows if r.label == world.county.name)
            county = selectors.coverage(officer, region_code=world.county.code)
            assert (
                sum(r.cells[personnel_class].people for r in county.rows) == county_row.cells[personnel_class].people
            )
        transaction.set_rollback(True)
