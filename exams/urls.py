from django.urls import path

from exams.views import candidate, staff

app_name = "exams"

urlpatterns = [
    path("exams/", candidate.my_exams, name="my-exams"),
    path("exams/sittings/<int:pk>/", candidate.sitting_page, name="sitting"),
    path("exams/sittings/<int:pk>/start/", candidate.start, name="start"),
    path("exams/sittings/<int:pk>/check-in/", staff.sitting_check_in, name="check-in"),
    path("exams/attempts/<int:pk>/", candidate.attempt_page, name="attempt"),
    path("exams/attempts/<int:pk>/state/", candidate.state, name="state"),
    path("exams/attempts/<int:pk>/answer/", candidate.answer, name="answer"),
    path("exams/attempts/<int:pk>/event/", candidate.event, name="event"),
    path("exams/attempts/<int:pk>/face/", candidate.face_check, name="face"),
    path("exams/attempts/<int:pk>/submit/", candidate.submit, name="submit"),
    path("exams/attempts/<int:pk>/result/", candidate.result, name="result"),
    path("exams/questions/import/", staff.question_import, name="question-import"),
    path("exams/questions/template.csv", staff.question_template, name="question-template"),
    path("exams/results/", staff.results, name="results"),
    path("exams/certificates/<str:serial>/pdf/", staff.certificate_download, name="certificate-pdf"),
]
