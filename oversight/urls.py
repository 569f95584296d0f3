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
