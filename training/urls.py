from django.contrib.auth import views as auth_views
from django.urls import path

from training import views, views_rosters

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("trainees/", views.trainee_list, name="trainee-list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee-detail"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("public/removed-providers/", views.public_removed_providers, name="public-removed-providers"),
    # issue 3: roster uploads (training/views_rosters.py)
    path("rosters/", views_rosters.roster_list, name="roster-list"),
    path("rosters/template.xlsx", views_rosters.roster_template, name="roster-template"),
    path("rosters/<int:pk>/", views_rosters.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/progress/", views_rosters.roster_progress, name="roster-progress"),
    path("rosters/<int:pk>/commit/", views_rosters.roster_commit, name="roster-commit"),
    path("rosters/<int:pk>/report/", views_rosters.roster_report, name="roster-report"),
]
