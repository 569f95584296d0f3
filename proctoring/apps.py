from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProctoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proctoring"
    verbose_name = _("在线学习核验")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from proctoring.roles import GRANTS
        from proctoring.selectors.faces import face_data_panel
        from proctoring.selectors.next_steps import reviewer_steps, trainee_steps
        from proctoring.selectors.templates import template_history_section, template_review_panel
        from training.roles import register
        from training.selectors.dashboard import HOME_PANELS, NEXT_STEPS, TRAINEE_HOME_SECTIONS

        register(GRANTS)
        # Pillow's own guard, as a second line behind proctoring.faces' header check (FACE_IMAGE_MAX_PIXELS).
        Image.MAX_IMAGE_PIXELS = settings.FACE_IMAGE_MAX_PIXELS

        if face_data_panel not in HOME_PANELS:
            HOME_PANELS.append(face_data_panel)
        if template_review_panel not in HOME_PANELS:
            HOME_PANELS.append(template_review_panel)
        if template_history_section not in TRAINEE_HOME_SECTIONS:
            TRAINEE_HOME_SECTIONS.append(template_history_section)
        for function in (trainee_steps, reviewer_steps):
            if function not in NEXT_STEPS:
                NEXT_STEPS.append(function)
