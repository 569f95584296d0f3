from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from training.admin import (  # noqa: F401  (registers the ModelAdmins)
    classes,  # issue 3: offline classes, sessions, attendance, hours
    organisations,
    people,
    plans,  # issue 3: rule sets, plans, contracts, reviews
    projects,
    rosters,  # issue 3: roster uploads and the roster import screen
)

# The back office is the system's, not "Django 管理" (English through the same i18n as the pages).
admin.site.site_header = _("危化品企业工伤预防能力提升培训系统 · 后台管理")
admin.site.site_title = _("危化品培训系统后台")
admin.site.index_title = _("后台管理")
