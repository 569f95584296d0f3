from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("training.urls")),
    path("", include("proctoring.urls")),
]
# The demo (DEBUG) serves the lesson videos itself (production: the web server). Only lessons/: snapshot images
# are biometric data and are served only through the logged view proctoring:snapshot-image.
urlpatterns += static(f"{settings.MEDIA_URL}lessons/", document_root=settings.MEDIA_ROOT / "lessons")
