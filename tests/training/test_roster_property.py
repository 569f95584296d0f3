"""Batch and single verdicts agree (issue 3 "Speed"): the column-wise batch check of a roster gives, row by row,
the verdict of the single-row path — the Trainee model's own validation (full_clean: field validators, choices,
required enterprise) and enrollment_create (one active project, class personnel, capacity under a lock) — when
the rows are enrolled one after another. Generated rows mix valid and invalid values of every column.
"""

import datetime

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.training import builders
from tests.training.roster_support import LABEL, World, new_id_number
from training.models import Enterprise, OfflineClass, PersonnelClass, Trainee
from training.rosters import checks
from training.rosters import columns as c
from training.rosters.batch import check_roster
from training.rosters.reading import frame_from_table
from training.scope import region_subtree
from training.services.enrollments import enrollment_create
from training.validators import normalize_credit_code, normalize_id_number, normalize_phone

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)
# Which roster column a Trainee field's error belongs to.
FIELD_COLUMN = {
    "name": c.NAME,
    "id_number": c.ID_NUMBER,
    "personnel_class": c.PERSONNEL_CLASS,
    "enterprise": c.CREDIT_CODE,
    "phone": c.PHONE,
}


@pytest.fixture
def world():
    world = World()
    world.small = builders.offline_class(world.project, PersonnelClass.TEAM_LEADER, code="SMALL", capacity=2)
    builders.enrol(world.project, world.small)  # one of two places taken
    other = builders.project(region=world.city, code="ELSEWHERE")
    world.busy = builders.enrol(other).trainee  # active in another project
    world.known = builders.trainee()  # registered, on no roster
    return world


def fresh_id():
    return new_id_number()


def rows_strategy(world):
    """Mostly good rows (so that enrolment, capacity and double claims are reached), some with 1-2 bad columns."""
    good = {
        c.NAME: st.sampled_from(["张三", " 李四 "]),
        c.ID_NUMBER: st.sampled_from([fresh_id, fresh_id, fresh_id, lambda: world.known.id_number]),
        c.PERSONNEL_CLASS: st.sampled_from([LABEL[PersonnelClass.TEAM_LEADER]] * 3 + list(LABEL.values())),
        c.CREDIT_CODE: st.just(world.enterprise.credit_code),
        c.PHONE: st.sampled_from(["13912345678", "139 1234 5678", "+8613912345678"]),
        c.POST_START_DATE: st.sampled_from(["2020-01-01", "2024-06-01", "2024/6/1"]),
        c.NEW_OR_TRANSFERRED: st.sampled_from(["是", "否"]),
        c.OFFLINE_CLASS: st.sampled_from(["", "SMALL", "SMALL", "SMALL"]),
    }
    bad = {
        c.NAME: st.sampled_from(["", "王" * 65]),
        c.ID_NUMBER: st.sampled_from(
            [
                lambda: (lambda n: n[:17] + ("0" if n[17] != "0" else "1"))(fresh_id()),
                lambda: fresh_id()[:17],
                lambda: world.busy.id_number,
                lambda: world.busy.id_number,
            ]
        ),
        c.PERSONNEL_CLASS: st.just("车间主任"),
        c.CREDIT_CODE: st.sampled_from([world.outside.credit_code, "91350100M000100Y43", "9135X"]),
        c.PHONE: st.sampled_from(["12912345678", "139"]),
        c.POST_START_DATE: st.sampled_from(["2024-06-02", "2023-13-01", ""]),
        c.NEW_OR_TRANSFERRED: st.just("不"),
        c.OFFLINE_CLASS: st.sampled_from(["NOPE", "DEPUTY"]),
    }

    @st.composite
    def row(draw):
        if draw(st.integers(0, 2)):  # two rows in three are good
            broken = set()
        else:
            broken = draw(st.sets(st.sampled_from(sorted(good)), min_size=1, max_size=2))
        return {column: draw(bad[column] if column in broken else good[column]) for column in good}

    return st.lists(row(), min_size=1, max_size=10)


def materialise(world, rows):
    deputy = world.classes[PersonnelClass.DEPUTY_HEAD].code
    out, seen = [], set()
    for values in rows:
        values = dict(values)
        values[c.ID_NUMBER] = values[c.ID_NUMBER]()  # a callable, so each row gets its own fresh number
        if values[c.ID_NUMBER] in seen:  # duplicates in a file have no single-row meaning: checked elsewhere
            continue
        seen.add(values[c.ID_NUMBER])
        if values[c.OFFLINE_CLASS] == "DEPUTY":
            values[c.OFFLINE_CLASS] = deputy
        out.append(values)
    return out


def single_verdict(world, values) -> dict[str, str]:
    """The single-row path: the failing columns (and reasons) of one row, enrolling it when it is valid."""
    failing = {}
    id_number = normalize_id_number(values[c.ID_NUMBER])
    trainee = Trainee.objects.filter(id_number=id_number).first() or Trainee()
    enterprise = Enterprise.objects.filter(
        credit_code=normalize_credit_code(values[c.CREDIT_CODE]), region__in=region_subtree(world.project.region)
    ).first()
    trainee.name = values[c.NAME].strip()
    trainee.id_number = id_number
    trainee.personnel_class = checks.personnel_class_labels().get(values[c.PERSONNEL_CLASS])
    trainee.enterprise = enterprise
    trainee.phone = normalize_phone(values[c.PHONE])
    trainee.post_start_date = checks.parse_date(values[c.POST_START_DATE])
    trainee.new_or_transferred = bool(checks.yes_no_value(values[c.NEW_OR_TRANSFERRED]))
    try:
        trainee.full_clean(exclude=["post_start_date"])
    except ValidationError as e:
        failing.update({FIELD_COLUMN[name]: " ".join(msgs) for name, msgs in e.message_dict.items()})
    # Rules the Trainee model does not carry (date, yes/no) are the roster's plain functions.
    for column, reason in [
        (c.POST_START_DATE, checks.post_start_date_error(values[c.POST_START_DATE], today=TODAY)),
        (c.NEW_OR_TRANSFERRED, checks.yes_no_error(values[c.NEW_OR_TRANSFERRED])),
    ]:
        if reason:
            failing[column] = reason
    offline_class = None
    if values[c.OFFLINE_CLASS]:
        offline_class = OfflineClass.objects.filter(project=world.project, code=values[c.OFFLINE_CLASS]).first()
        if offline_class is None:
            failing[c.OFFLINE_CLASS] = "unknown"
    if failing:
        return failing
    trainee.save()
    try:
        enrollment_create(project=world.project, trainee=trainee, offline_class=offline_class)
    except ValidationError as e:
        column = c.ID_NUMBER if "另一个在训项目" in e.messages[0] else c.OFFLINE_CLASS
        failing[column] = e.messages[0]
    return failing


def batch_verdicts(world, rows) -> list[dict[str, str]]:
    check = check_roster(frame_from_table(pd.DataFrame(rows)), project=world.project, today=TODAY)
    verdicts = []
    for i in range(check.total):
        reasons = dict(message.split(": ", 1) for message in check.errors.get(i, []))
        verdicts.append(reasons)
    return verdicts


TRAINEE_COLUMNS = {c.NAME, c.PERSONNEL_CLASS, c.CREDIT_CODE, c.PHONE, c.POST_START_DATE, c.NEW_OR_TRANSFERRED}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batch_and_single_verdicts_agree(world, data):
    rows = materialise(world, data.draw(rows_strategy(world)))
    with transaction.atomic():
        batch = batch_verdicts(world, rows)  # before anything is written
        for values, by_batch in zip(rows, batch, strict=True):
            by_single = single_verdict(world, values)
            # 1. the same verdict on the row
            assert bool(by_batch) == bool(by_single), (values, by_batch, by_single)
            # 2. the same columns fail among those the model validates
            assert set(by_batch) & TRAINEE_COLUMNS == set(by_single) & TRAINEE_COLUMNS, (values, by_batch, by_single)
            id_format_ok = "身份证号" not in by_single or "另一个在训项目" in by_single.get(c.ID_NUMBER, "")
            assert (c.ID_NUMBER in by_batch and "另一个在训项目" not in by_batch[c.ID_NUMBER]) == (not id_format_ok)
            # 3. when the person could be enrolled, enrollment_create's reason is the batch's, word for word
            if not set(by_single) - {c.ID_NUMBER, c.OFFLINE_CLASS} and by_single and id_format_ok:
                for column, reason in by_single.items():
                    if reason != "unknown":
                        assert by_batch[column] == reason, (values, by_batch, by_single)
        transaction.set_rollback(True)
