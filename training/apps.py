from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"

    def ready(self):
        from django.db.models.signals import post_migrate

        from training.signals import create_national_rule_set

        post_migrate.connect(create_national_rule_set, sender=self)
