"""Test data built through the real services, so every object a test uses passed the same rules."""

import datetime
import itertools

import factory

from training.models import EnterpriseKind, PersonnelClass, ProviderKind, Region, RegionLevel
from training.roles import Role
from training.services import organisations, people
from training.validators import build_credit_code, build_id_number, build_name

_seq = itertools.count(1)


def region_tree(province=("370000", "山东省"), city=("370500", "东营市"), county=("370502", "东营区")):
    p, _ = Region.objects.get_or_create(
        code=province[0], defaults={"name": province[1], "level": RegionLevel.PROVINCE}
    )
    c, _ = Region.objects.get_or_create(
        code=city[0], defaults={"name": city[1], "level": RegionLevel.CITY, "parent": p}
    )
    k, _ = Region.objects.get_or_create(
        code=county[0], defaults={"name": county[1], "level": RegionLevel.COUNTY, "parent": c}
    )
    return p, c, k


class ServiceFactory(factory.Factory):
    """factory_boy factory whose create() calls a service instead of Model.objects.create()."""

    class Meta:
        abstract = True

    service = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.pop("service", None)  # factory_boy passes class attributes on as declarations
        return cls.service(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return model_class(**kwargs)


class EnterpriseFactory(ServiceFactory):
    class Meta:
        model = "training.Enterprise"

    service = staticmethod(organisations.enterprise_create)
    credit_code = factory.LazyAttribute(lambda o: build_credit_code(o.region.code, next(_seq)))
    name = factory.Sequence(lambda n: f"测试化工有限公司{n}")
    region = factory.LazyFunction(lambda: region_tree()[2])
    kind = EnterpriseKind.PRODUCTION
    park = None
    major_hazard = False


class ProviderFactory(ServiceFactory):
    class Meta:
        model = "training.Provider"

    service = staticmethod(organisations.provider_create)
    name = factory.Sequence(lambda n: f"测试培训中心{n}")
    credit_code = factory.LazyAttribute(lambda o: build_credit_code(o.region.code, next(_seq), prefix="52"))
    kind = ProviderKind.INSTITUTION
    region = factory.LazyFunction(lambda: region_tree()[1])


class TraineeFactory(ServiceFactory):
    class Meta:
        model = "training.Trainee"

    service = staticmethod(people.trainee_create)
    name = factory.Sequence(lambda n: build_name(n))
    enterprise = factory.SubFactory(EnterpriseFactory)
    id_number = factory.LazyAttribute(
        lambda o: build_id_number(
            o.enterprise.region.code, datetime.date(1970, 1, 1) + datetime.timedelta(days=next(_seq)), 1
        )
    )
    personnel_class = PersonnelClass.SAFETY_MANAGER
    post_start_date = datetime.date(2020, 3, 1)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    new_or_transferred = False


def staff_user(role: Role, username: str | None = None, password: str = "Pass-word-2024", **binding):
    return people.staff_user_create(
        username=username or f"{role}-{next(_seq)}", password=password, role=role, **binding
    )
