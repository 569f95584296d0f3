from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProctoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proctoring"
    verbose_name = _("在线学习核验")

    def ready(self):
        from proctoring.roles import GRANTS
        from proctoring.selectors.faces import face_data_panel
        from proctoring.selectors.next_steps import reviewer_steps, trainee_steps
        from training.roles import register
        from training.selectors.dashboard import HOME_PANELS, NEXT_STEPS

        register(GRANTS)

        if face_data_panel not in HOME_PANELS:
            HOME_PANELS.append(face_data_panel)
        for function in (trainee_steps, reviewer_steps):
            if function not in NEXT_STEPS:
                NEXT_STEPS.append(function)
