from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _seed_exam_rules(sender, using="default", **kwargs):
    """The national default exam rules exist in every database (exam_rules_in_force falls back to them)."""
    from exams.services.sittings import ensure_exam_national_default

    if using == "default":
        ensure_exam_national_default()


class ExamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exams"
    verbose_name = _("考试")

    def ready(self):
        from django.db.models.signals import post_migrate

        from exams.roles import GRANTS
        from training.roles import register

        register(GRANTS)
        from exams.services.certificates import release_on_dismissed_flag, revoke_on_confirmed_flag
        from proctoring.services.flags import CONFIRMED_HOOKS, DISMISSED_HOOKS

        if revoke_on_confirmed_flag not in CONFIRMED_HOOKS:
            CONFIRMED_HOOKS.append(revoke_on_confirmed_flag)
        if release_on_dismissed_flag not in DISMISSED_HOOKS:
            DISMISSED_HOOKS.append(release_on_dismissed_flag)
        post_migrate.connect(_seed_exam_rules, sender=self)
