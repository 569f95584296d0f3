from django.urls import path

from proctoring.views import attendance, calibration, consent, flags, rings, study, templates

app_name = "proctoring"

urlpatterns = [
    # Consent, enrolment and enrolment photos
    path("faces/consent/", consent.consent_page, name="consent"),
    path("faces/alternative/", consent.alternative_page, name="alternative"),
    path("faces/enrol/", consent.enrol_page, name="enrol"),
    path("faces/bulk/", consent.bulk_upload, name="bulk-upload"),
    path("faces/bulk/<int:pk>/", consent.bulk_job, name="bulk-job"),
    path("faces/photos/<int:pk>/", consent.enrolment_photo, name="enrolment-photo"),
    path("faces/reviews/", templates.review_list, name="template-reviews"),
    path("faces/reviews/<int:pk>/", templates.review_detail, name="template-review"),
    # Online study and flag review
    path("study/", study.lesson_list, name="study-list"),
    path("study/lesson/<int:lesson_id>/", study.study_page, name="study"),
    path("study/snapshot/<int:snapshot_id>/", study.snapshot_upload, name="snapshot-upload"),
    # Offline sessions: the teacher's QR screen and the trainee's scan (issue 7)
    path("attendance/sessions/<int:pk>/qr/", attendance.qr_screen, name="attendance-qr"),
    path("attendance/sessions/<int:pk>/scan/", attendance.scan, name="attendance-scan"),
    path("attendance/scan/", attendance.scanner, name="attendance-scanner"),
    path("flags/", flags.flag_list, name="flag-list"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag-detail"),
    path("flags/mine/", flags.my_flags, name="my-flags"),
    path("rings/", rings.ring_list, name="ring-list"),
    path("rings/<int:pk>/", rings.ring_detail, name="ring-detail"),
    path("snapshots/<int:pk>/image/", flags.snapshot_image, name="snapshot-image"),
    # Face checks: the tolerance against the reviewed population (HR)
    path("faces/calibration/", calibration.calibration_page, name="face-calibration"),
]
