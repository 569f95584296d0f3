"""The back office and small things a user notices (issue 8): the admin's own header and title, export names in
local dates and sheets named in the UI language, import errors in the page, the favicon, the lockout message with
its duration, staff password reset."""

import datetime
import io

import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from import_export.formats.base_formats import XLSX
from openpyxl import load_workbook

from tests.factories import EnterpriseFactory, staff_user
from training.models import Enterprise, User
from training.roles import Role

pytestmark = pytest.mark.django_db


def test_the_admin_has_the_systems_header_and_title(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "危化品企业工伤预防能力提升培训系统 · 后台管理" in page
    assert "Django 管理" not in page and "Django administration" not in page


def test_exports_are_named_by_the_local_date_and_their_sheet_in_the_ui_language(monkeypatch, admin_user):
    EnterpriseFactory()
    utc_evening = datetime.datetime(2024, 5, 31, 17, 0, tzinfo=datetime.UTC)  # 2024-06-01 01:00 in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: utc_evening)
    model_admin = admin.site._registry[Enterprise]
    request = RequestFactory().get("/")
    request.user = admin_user
    name = model_admin.get_export_filename(request, Enterprise.objects.all(), XLSX())
    assert name == f"{Enterprise._meta.verbose_name_plural}-2024-06-01.xlsx"
    dataset = model_admin.get_data_for_export(request, Enterprise.objects.all())
    sheet = load_workbook(io.BytesIO(XLSX().export_data(dataset))).active
    assert sheet.title == str(Enterprise._meta.verbose_name_plural) != "Tablib Dataset"


def test_import_errors_are_shown_in_the_page():
    from django.template.loader import get_template

    source = get_template("admin/import_export/import.html").template.source
    assert "admin-import.css" in source
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/admin-import.css")).read()
    assert ".validation-error-container { display: block !important" in css


def test_every_page_has_a_favicon(client):
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get(reverse("login")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/static/favicon.svg")


def test_the_lockout_message_says_how_long_the_lock_lasts(client, settings):
    staff_user(Role.EXPERT, username="em_locked")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "em_locked", "password": "wrong"})
    text = response.content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert "登录失败次数过多" in text and f"锁定时长 {minutes} 分钟" in text, text[:2000]


def test_staff_reset_their_password_through_djangos_views(client):
    user = staff_user(Role.EXPERT, username="hr_forgets")
    User.objects.filter(pk=user.pk).update(email="hr@example.gov.cn")
    assert "工作人员忘记密码？" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "hr@example.gov.cn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Neu-Pass-2024!x", "new_password2": "Neu-Pass-2024!x"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neu-Pass-2024!x")


def test_apps_and_models_of_the_admin_have_chinese_names_and_english_through_i18n(admin_client):
    from django.utils.functional import Promise

    page = admin_client.get(reverse("admin:index")).content.decode()
    for english in ("TRAINING", "Training", "AXES", "Axes", "Access attempts"):
        assert f">{english}<" not in page, english
    assert "培训" in page and "登录安全" in page and "登录失败计数" in page
    export_form = admin.site._registry[Enterprise].get_export_form_class()
    from training.resources import EnterpriseResource

    assert export_form([XLSX], [EnterpriseResource])._get_field_label(EnterpriseResource, "name") == "企业名称"
    # lazy gettext: English comes through the same catalogue as the pages' text
    assert all(
        isinstance(name, Promise) for name in (admin.site.site_header, Enterprise._meta.app_config.verbose_name)
    )
