from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from exams.views.public import certificate_page

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on every page whatever the <link> says.
    path("favicon.ico", RedirectView.as_view(url=f"/{settings.STATIC_URL.lstrip('/')}favicon.svg")),
    # Staff reset a forgotten password by e-mail through Django's own views (templates in registration/).
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("training.urls")),
    path("", include("proctoring.urls")),
    path("", include("exams.urls")),
    path("", include("oversight.urls")),
    path("public/certificates/<str:serial>/", certificate_page, name="public-certificate"),
    path("", include("funding.urls")),
]
# The demo (DEBUG) serves the lesson videos itself (production: the web server). Only lessons/: snapshot images
# are biometric data and are served only through the logged view proctoring:snapshot-image.
urlpatterns += static(f"{settings.MEDIA_URL}lessons/", document_root=settings.MEDIA_ROOT / "lessons")
