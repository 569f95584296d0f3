from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProctoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proctoring"
    verbose_name = _("在线学习核验")

    def ready(self):
        from proctoring.roles import GRANTS
        from proctoring.selectors.faces import face_data_panel
        from training.roles import register

        register(GRANTS)
        from training.selectors.dashboard import HOME_PANELS

        if face_data_panel not in HOME_PANELS:
            HOME_PANELS.append(face_data_panel)
