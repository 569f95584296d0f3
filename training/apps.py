from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = _("培训")

    def ready(self):
        from django.db.models.signals import post_migrate

        from training.signals import create_national_rule_set

        post_migrate.connect(create_national_rule_set, sender=self)
