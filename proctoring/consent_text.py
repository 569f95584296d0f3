"""The text a trainee agrees to before any face processing. Versioned: a consent row records the version it was
given on; a new version is a new constant here (older ones stay, so a record can always be shown as signed)."""

from django.conf import settings
from django.utils.translation import gettext as _

CONSENT_TEXT_VERSION = "2026-1"


def consent_sections(version: str = CONSENT_TEXT_VERSION) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of the notice, with the retention periods in force."""
    if version != CONSENT_TEXT_VERSION:
        raise KeyError(version)
    hours = settings.BIOMETRIC_SNAPSHOT_RETENTION_HOURS
    days = settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS
    return [
        (
            _("处理什么"),
            _(
                "您的人脸图像（采集照片、在线学习时随机抓拍的画面）以及由人脸图像计算出的人脸特征模板。"
                "人脸信息属于敏感个人信息，我们仅在您单独同意后处理。"
            ),
        ),
        (
            _("为什么处理"),
            _(
                "工伤预防能力提升培训的线上学时须由本人完成。学习过程中系统随机抓拍并与您的人脸模板比对，"
                "核验是本人在学习、而不是他人代学或无人挂课；未核验的时间不计入学时。"
            ),
        ),
        (
            _("保存多久"),
            _(
                "人脸特征模板加密保存，直至您撤回同意或培训结束后删除；采集照片保存%(days)g天后删除；"
                "未发现异常的抓拍画面保存%(hours)g小时后删除；被标记为异常的画面作为证据保存至复核、申诉结束后的规定期限。"
                "工作人员每次查看图像都会被记录。"
            )
            % {"days": days, "hours": hours},
        ),
        (
            _("您的选择"),
            _(
                "您可以不同意：不同意不影响参加培训，您将改为参加线下学习，由培训机构现场核验身份，"
                "系统不会为您保存任何人脸信息。您也可以随时撤回同意，撤回后您的人脸模板和照片立即删除。"
            ),
        ),
    ]
