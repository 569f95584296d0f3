"""The admin's import screens go through the models' own validation, within the importer's scope, and write all
rows or none. Admin forms validate like every other door."""

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from import_export.formats.base_formats import CSV

from tests.factories import EnterpriseFactory, ProviderFactory, TraineeFactory, region_tree, staff_user
from training.admin.scoped import ScopedAdminMixin
from training.models import Enterprise, Provider, Trainee
from training.resources import TraineeResource
from training.roles import Role

pytestmark = pytest.mark.django_db

TRAINEE_HEADER = "姓名,身份证号,人员类别,企业统一社会信用代码,手机号,岗位起始日期,新入职或转岗\n"
GOOD_ID, BAD_ID = "11010519491231002X", "110105194912310021"
ENTERPRISE_HEADER = "统一社会信用代码,企业名称,区县代码,化工园区,企业类型,构成重大危险源\n"


@pytest.fixture
def dongying():
    _, city, county = region_tree()
    return {"city": city, "county": county, "enterprise": EnterpriseFactory(region=county)}


@pytest.fixture
def officer(dongying):
    client = Client()
    client.force_login(staff_user(Role.EM_OFFICER, region=dongying["city"]))
    return client


def _upload(client, model_name, text):
    admin_class = admin.site._registry[
        {"trainee": Trainee, "enterprise": Enterprise, "provider": Provider}[model_name]
    ]
    data = {
        "import_file": SimpleUploadedFile("rows.csv", text.encode("utf-8"), content_type="text/csv"),
        "format": str(next(i for i, f in enumerate(admin_class.get_import_formats()) if issubclass(f, CSV))),
        "resource": "0",
    }
    return client.post(f"/admin/training/{model_name}/import/", data)


def _confirm(client, model_name, preview):
    form = preview.context["confirm_form"]
    return client.post(f"/admin/training/{model_name}/process_import/", dict(form.initial))


def test_trainee_import_through_the_admin_screens(officer, dongying):
    code = dongying["enterprise"].credit_code
    text = TRAINEE_HEADER + f"张三,{GOOD_ID.lower()},班组长,{code},139 1234 5678,2020-01-01,是\n"
    preview = _upload(officer, "trainee", text)
    assert preview.status_code == 200
    assert Trainee.objects.count() == 0  # the preview is a dry run
    response = _confirm(officer, "trainee", preview)
    assert response.status_code == 302
    trainee = Trainee.objects.get()
    assert (trainee.id_number, trainee.phone, trainee.personnel_class) == (GOOD_ID, "13912345678", 3)
    assert trainee.new_or_transferred is True


def test_bad_id_number_row_names_the_field_and_reason_and_nothing_is_written(officer, dongying):
    code = dongying["enterprise"].credit_code
    text = TRAINEE_HEADER + f"张三,{GOOD_ID},班组长,{code},13912345678,2020-01-01,否\n"
    text += f"李四,{BAD_ID},班组长,{code},13912345678,2020-01-01,否\n"
    preview = _upload(officer, "trainee", text)
    content = preview.content.decode()
    assert "身份证号" in content and "校验位错误（应为X）" in content
    assert preview.context.get("confirm_form") is None  # no way to confirm a file with a bad row
    assert Trainee.objects.count() == 0


def test_a_forced_import_with_one_bad_row_writes_nothing(dongying):
    code = dongying["enterprise"].credit_code
    dataset = tablib.Dataset(headers=TRAINEE_HEADER.strip().split(","))
    dataset.append(["张三", GOOD_ID, "班组长", code, "13912345678", "2020-01-01", "否"])
    dataset.append(["李四", "11010519490230002X", "班组长", code, "13912345678", "2020-01-01", "否"])
    result = TraineeResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "出生日期19490230不存在" in errors["身份证号"][0]
    assert Trainee.objects.count() == 0


@pytest.mark.parametrize(
    ("credit_code", "reason"),
    [("91350100M000100Y44", "校验位错误（应为3）"), ("91350100M000100Y4", "应为18位，实为17位")],
)
def test_bad_credit_code_row_names_the_field_and_reason(officer, dongying, credit_code, reason):
    text = ENTERPRISE_HEADER + f"{credit_code},新化工有限公司,370502,,使用危险化学品从事生产的化工企业,否\n"
    content = _upload(officer, "enterprise", text).content.decode()
    assert "统一社会信用代码" in content and reason in content
    assert Enterprise.objects.count() == 1


def test_unknown_kind_label_is_refused_with_the_allowed_labels(officer, dongying):
    text = ENTERPRISE_HEADER + "91350100M000100Y43,新化工有限公司,370502,,化工厂,否\n"
    content = _upload(officer, "enterprise", text).content.decode()
    assert "未知类别“化工厂”" in content and "化学合成类药品生产企业" in content


def test_import_cannot_reach_outside_the_scope(officer, dongying):
    _, _, lianyun = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))
    outside = EnterpriseFactory(region=lianyun, name="连云港某化工公司")
    # A region outside the scope is not found ...
    text = ENTERPRISE_HEADER + "91350100M000100Y43,新化工有限公司,320703,,使用危险化学品从事生产的化工企业,否\n"
    preview = _upload(officer, "enterprise", text)
    assert preview.context.get("confirm_form") is None
    # ... and a row outside the scope is never overwritten (it is a duplicate credit code, not an update).
    text = ENTERPRISE_HEADER + f"{outside.credit_code},改名公司,370502,,使用危险化学品从事生产的化工企业,否\n"
    preview = _upload(officer, "enterprise", text)
    assert preview.context.get("confirm_form") is None
    assert "已存在" in preview.content.decode()
    outside.refresh_from_db()
    assert outside.name == "连云港某化工公司"


def test_provider_import_and_update_by_hr(dongying):
    client = Client()
    client.force_login(staff_user(Role.HR_OFFICER, region=dongying["city"]))
    provider = ProviderFactory(region=dongying["city"], name="旧名称培训中心")
    text = (
        "统一社会信用代码,机构名称,机构类型,注册地区代码\n"
        + f"{provider.credit_code},新名称培训中心,行业协会,370500\n"
    )
    preview = _upload(client, "provider", text)
    assert _confirm(client, "provider", preview).status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.kind) == ("新名称培训中心", "association")


def test_view_only_roles_may_export_but_not_import(dongying):
    client = Client()
    client.force_login(staff_user(Role.SI_OFFICER, region=dongying["city"]))
    assert client.get("/admin/training/trainee/import/").status_code == 403
    assert client.get("/admin/training/trainee/export/").status_code == 200


def test_admin_add_form_refuses_a_bad_id_number(officer, dongying):
    data = {
        "name": "王五",
        "id_number": BAD_ID,
        "personnel_class": "2",
        "enterprise": str(dongying["enterprise"].pk),
        "post_start_date": "2020-01-01",
        "phone": "13912345678",
    }
    response = officer.post("/admin/training/trainee/add/", data)
    assert response.status_code == 200
    assert "校验位错误（应为X）" in response.content.decode()
    assert Trainee.objects.count() == 0
    data["id_number"] = GOOD_ID
    assert officer.post("/admin/training/trainee/add/", data).status_code == 302
    assert Trainee.objects.get().id_number == GOOD_ID


def test_admin_foreign_key_choices_are_scoped(officer, dongying):
    _, _, lianyun = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))
    outside = EnterpriseFactory(region=lianyun)
    TraineeFactory(enterprise=dongying["enterprise"])
    response = officer.get(
        "/admin/autocomplete/",
        {"app_label": "training", "model_name": "trainee", "field_name": "enterprise", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert dongying["enterprise"].pk in ids and outside.pk not in ids


# Admins deliberately left unscoped, with the reason. Anything else must use ScopedAdminMixin.
UNSCOPED = {"RuleSet": "policy data is public to staff (a county officer also reads the national default)"}


def test_every_training_model_admin_is_scoped():
    registered = {m: a for m, a in admin.site._registry.items() if m._meta.app_label == "training"}
    assert len(registered) >= 9
    for model, model_admin in registered.items():
        if model.__name__ not in UNSCOPED:
            assert isinstance(model_admin, ScopedAdminMixin), model.__name__
