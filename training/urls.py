from django.contrib.auth import views as auth_views
from django.urls import path

from training import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("trainees/", views.trainee_list, name="trainee-list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee-detail"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("public/removed-providers/", views.public_removed_providers, name="public-removed-providers"),
]
