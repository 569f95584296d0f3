from django.contrib.auth import views as auth_views
from django.urls import path

from training import views
from training.views import classes, projects, rosters

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("trainees/", views.trainee_list, name="trainee-list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee-detail"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    # issue 3: projects, plans, offline classes, attendance, progress
    path("projects/", projects.project_list, name="project-list"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/roster.xlsx", projects.project_roster_export, name="project-roster-export"),
    path("projects/<int:pk>/assign/", projects.project_assign_class, name="project-assign-class"),
    path("projects/<int:pk>/transition/", projects.project_transition_view, name="project-transition"),
    path("projects/<int:pk>/review/", projects.project_review_view, name="project-review"),
    path("projects/<int:pk>/contract/", projects.contract_edit, name="project-contract"),
    path("projects/<int:project_pk>/classes/new/", classes.class_create, name="class-create"),
    path("plans/<int:pk>/", projects.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/<str:action>/", projects.plan_action, name="plan-action"),
    path("classes/", classes.class_list, name="class-list"),
    path("classes/<int:pk>/", classes.class_detail, name="class-detail"),
    path("sessions/<int:pk>/attendance/", classes.attendance_sheet, name="attendance-sheet"),
    path("attendance/manual/", classes.manual_attendance_list, name="manual-attendance"),
    path("me/progress/", classes.my_progress, name="my-progress"),
    path("public/removed-providers/", views.public_removed_providers, name="public-removed-providers"),
    # issue 3: roster uploads (training/views/rosters.py)
    path("rosters/", rosters.roster_list, name="roster-list"),
    path("rosters/template.xlsx", rosters.roster_template, name="roster-template"),
    path("rosters/<int:pk>/", rosters.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/progress/", rosters.roster_progress, name="roster-progress"),
    path("rosters/<int:pk>/commit/", rosters.roster_commit, name="roster-commit"),
    path("rosters/<int:pk>/report/", rosters.roster_report, name="roster-report"),
]
