"""django-axes under the system's own names: its app and models have no Chinese translation of their own, so the
admin showed "AXES / Access attempts". The names are set here (gettext_lazy, so English comes through the same
i18n as the pages); only the displayed names change, nothing in the database."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _

AXES_MODEL_NAMES = {
    "AccessAttempt": (_("登录失败计数"), _("登录失败计数")),
    "AccessFailureLog": (_("登录失败记录"), _("登录失败记录")),
    "AccessLog": (_("登录记录"), _("登录记录")),
    "AccessAttemptExpiration": (_("锁定到期时间"), _("锁定到期时间")),
}


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录安全")

    def ready(self):
        super().ready()
        for model in self.get_models():
            if model.__name__ in AXES_MODEL_NAMES:
                model._meta.verbose_name, model._meta.verbose_name_plural = AXES_MODEL_NAMES[model.__name__]
