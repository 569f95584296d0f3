from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("监督调度")

    def ready(self):
        from oversight.roles import GRANTS
        from training.roles import register

        register(GRANTS)
