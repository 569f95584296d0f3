from django.contrib.auth import views as auth_views
from django.urls import path

from training import views, views_classes, views_projects, views_rosters

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("trainees/", views.trainee_list, name="trainee-list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee-detail"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    # issue 3: projects, plans, offline classes, attendance, progress
    path("projects/", views_projects.project_list, name="project-list"),
    path("projects/<int:pk>/", views_projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/transition/", views_projects.project_transition_view, name="project-transition"),
    path("projects/<int:pk>/review/", views_projects.project_review_view, name="project-review"),
    path("projects/<int:pk>/contract/", views_projects.contract_edit, name="project-contract"),
    path("projects/<int:project_pk>/classes/new/", views_classes.class_create, name="class-create"),
    path("plans/<int:pk>/", views_projects.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/<str:action>/", views_projects.plan_action, name="plan-action"),
    path("classes/", views_classes.class_list, name="class-list"),
    path("classes/<int:pk>/", views_classes.class_detail, name="class-detail"),
    path("sessions/<int:pk>/attendance/", views_classes.attendance_sheet, name="attendance-sheet"),
    path("me/progress/", views_classes.my_progress, name="my-progress"),
    path("public/removed-providers/", views.public_removed_providers, name="public-removed-providers"),
    # issue 3: roster uploads (training/views_rosters.py)
    path("rosters/", views_rosters.roster_list, name="roster-list"),
    path("rosters/template.xlsx", views_rosters.roster_template, name="roster-template"),
    path("rosters/<int:pk>/", views_rosters.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/progress/", views_rosters.roster_progress, name="roster-progress"),
    path("rosters/<int:pk>/commit/", views_rosters.roster_commit, name="roster-commit"),
    path("rosters/<int:pk>/report/", views_rosters.roster_report, name="roster-report"),
]
