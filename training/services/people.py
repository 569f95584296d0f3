"""Writes of trainees and accounts. Every door (forms, admin, imports, commands) goes through these."""

import datetime

from django.db import transaction

from training.models import Enterprise, Trainee, User
from training.roles import STAFF_ROLES, Role
from training.validators import normalize_id_number, normalize_phone


def _save_validated(instance):
    # full_clean runs the field validators (ID number, phone, credit code) and the model constraints.
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def trainee_create(
    *,
    name: str,
    id_number: str,
    personnel_class: int,
    enterprise: Enterprise,
    post_start_date: datetime.date,
    phone: str,
    new_or_transferred: bool = False,
) -> Trainee:
    trainee = Trainee(
        name=name.strip(),
        id_number=normalize_id_number(id_number),
        personnel_class=personnel_class,
        enterprise=enterprise,
        post_start_date=post_start_date,
        phone=normalize_phone(phone),
        new_or_transferred=new_or_transferred,
    )
    return _save_validated(trainee)


@transaction.atomic
def trainee_update(*, trainee: Trainee, **fields) -> Trainee:
    if "id_number" in fields:
        fields["id_number"] = normalize_id_number(fields["id_number"])
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"])
    for name, value in fields.items():
        setattr(trainee, name, value)
    return _save_validated(trainee)


@transaction.atomic
def trainee_account_create(*, trainee: Trainee, password: str) -> User:
    """A trainee signs in with their ID number and password."""
    user = User(username=trainee.id_number, role=Role.TRAINEE, trainee=trainee, first_name=trainee.name)
    user.set_password(password)
    return _save_validated(user)


@transaction.atomic
def staff_user_create(*, username: str, password: str, role: str, display_name: str = "", **binding) -> User:
    """An account for back-office staff: `binding` is region=, park=, provider= as the role needs."""
    if role not in STAFF_ROLES:
        raise ValueError(f"{role} is not a staff role")
    user = User(
        username=username,
        role=role,
        first_name=display_name,
        is_staff=True,
        is_superuser=role == Role.ADMIN,
        **binding,
    )
    user.set_password(password)
    return _save_validated(user)
