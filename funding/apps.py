from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funding"
    verbose_name = _("工伤预防费")

    def ready(self):
        from funding.roles import GRANTS
        from training.roles import register

        register(GRANTS)
        # A proxy flag confirmed after payment claws back at once where proctoring offers its hook registry
        # (proctoring never imports funding); the beat task catches anything else (funding/services/clawback.py).
        from funding.services.clawback import clawback_on_confirmed_flag
        from proctoring.services import flags

        hooks = getattr(flags, "CONFIRMED_HOOKS", None)
        if hooks is not None and clawback_on_confirmed_flag not in hooks:
            hooks.append(clawback_on_confirmed_flag)
