from django.urls import path

from proctoring import flag_views, study_views, views_consent

app_name = "proctoring"

urlpatterns = [
    # Consent, enrolment and enrolment photos (helper "faces")
    path("faces/consent/", views_consent.consent_page, name="consent"),
    path("faces/alternative/", views_consent.alternative_page, name="alternative"),
    path("faces/enrol/", views_consent.enrol_page, name="enrol"),
    path("faces/bulk/", views_consent.bulk_upload, name="bulk-upload"),
    path("faces/bulk/<int:pk>/", views_consent.bulk_job, name="bulk-job"),
    path("faces/photos/<int:pk>/", views_consent.enrolment_photo, name="enrolment-photo"),
    # Online study (helper "study")
    path("study/", study_views.lesson_list, name="study-list"),
    path("study/lesson/<int:lesson_id>/", study_views.study_page, name="study"),
    path("study/snapshot/<int:snapshot_id>/", study_views.snapshot_upload, name="snapshot-upload"),
    path("flags/", flag_views.flag_list, name="flag-list"),
    path("flags/<int:pk>/", flag_views.flag_detail, name="flag-detail"),
    path("flags/mine/", flag_views.my_flags, name="my-flags"),
    path("snapshots/<int:pk>/image/", flag_views.snapshot_image, name="snapshot-image"),
]
