from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage-export"),
    path("coverage/follow-ups/", views.follow_up_page, name="follow-ups"),
    path("coverage/follow-ups/export.xlsx", views.follow_up_export, name="follow-ups-export"),
    path("coverage/follow-ups/<int:enterprise_id>/", views.follow_up_record, name="follow-up-record"),
    path("coverage/targets/", views.targets_page, name="targets"),
    path("coverage/targets/export.xlsx", views.targets_export, name="targets-export"),
    path("coverage/targets/import/", views.targets_import, name="targets-import"),
    path("coverage/targets/template.xlsx", views.targets_template, name="targets-template"),
]

# ---- spot checks, revisits and credit (issue 11, part 2) -------------------------------------------------------
from oversight.views import credit as credit_views  # noqa: E402
from oversight.views import spotchecks as audit_views  # noqa: E402

urlpatterns += [
    path("audits/", audit_views.audit_home, name="audits"),
    path("audits/projects/<int:pk>/", audit_views.audit_project, name="audit-project"),
    path("audits/projects/<int:pk>/draw/", audit_views.audit_draw, name="audit-draw"),
    path("audits/draws/<int:pk>/", audit_views.audit_draw_detail, name="audit-draw-detail"),
    path("audits/sessions/<int:session_pk>/check/", audit_views.spot_check_record, name="spot-check"),
    path("audits/learners/<int:enrollment_pk>/revisit/", audit_views.revisit_record, name="revisit"),
    path("audits/evidence/<str:kind>/<int:pk>/", audit_views.evidence, name="audit-evidence"),
    path("credit/", credit_views.credit_list, name="credit"),
    path("credit/recalculate/", credit_views.credit_recalculate, name="credit-recalculate"),
    path("credit/providers/<int:pk>/", credit_views.credit_provider, name="credit-provider"),
    path("credit/providers/<int:pk>/complaints/", credit_views.complaint_add, name="complaint-add"),
    path("credit/providers/<int:pk>/sanctions/", credit_views.sanction_add, name="sanction-add"),
    path("credit/teachers/<int:pk>/", credit_views.credit_teacher, name="credit-teacher"),
]

# ---- the yearly progress report (按年度调度): oversight/report.py, oversight/views/report.py -----------------------
from oversight.views import report as report_views  # noqa: E402

urlpatterns += [
    path("coverage/report/", report_views.report_page, name="report"),
    path("coverage/report.xlsx", report_views.report_xlsx, name="report-xlsx"),
    path("coverage/report.pdf", report_views.report_pdf, name="report-pdf"),
]
