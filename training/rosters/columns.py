"""The roster columns (SPEC 三(三) 实名制; issue 3 "Rosters"): the headers every door reads and the template shows."""

import datetime

from django.utils.translation import gettext_lazy as _

from training.validators import build_credit_code, build_id_number

NAME = "姓名"
ID_NUMBER = "身份证号"
PERSONNEL_CLASS = "人员类别"
CREDIT_CODE = "企业统一社会信用代码"
PHONE = "手机号"
POST_START_DATE = "岗位起始日期"
NEW_OR_TRANSFERRED = "新入职或转岗"
OFFLINE_CLASS = "班级编号"

REQUIRED_COLUMNS = (NAME, ID_NUMBER, PERSONNEL_CLASS, CREDIT_CODE, PHONE, POST_START_DATE, NEW_OR_TRANSFERRED)
OPTIONAL_COLUMNS = (OFFLINE_CLASS,)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# The column added to the error report (the uploaded file back, one reason per bad row).
ERROR_COLUMN = "错误原因"
# Spreadsheet row of the first data row: the header is row 1.
FIRST_DATA_ROW = 2

YES, NO = "是", "否"

EXAMPLE_ROW = {
    NAME: "张三",
    ID_NUMBER: build_id_number("370502", datetime.date(1980, 1, 1), 1),
    PERSONNEL_CLASS: "专职安全管理人员",
    CREDIT_CODE: build_credit_code("370502", 123),
    PHONE: "13912345678",
    POST_START_DATE: "2023-03-01",
    NEW_OR_TRANSFERRED: YES,
    OFFLINE_CLASS: "DY-2024-2-01",
}

INSTRUCTIONS = (
    (NAME, _("必填，与身份证一致，不超过64个字符")),
    (ID_NUMBER, _("必填，18位居民身份证号（末位可为X），请将单元格设为文本格式")),
    (PERSONNEL_CLASS, _("必填，填写：安全生产分管负责人、专职安全管理人员、班组长 三者之一")),
    (CREDIT_CODE, _("必填，所在企业的18位统一社会信用代码；企业须已登记且位于本项目地区内")),
    (PHONE, _("必填，11位手机号码")),
    (POST_START_DATE, _("必填，格式 2023-03-01，不得晚于今天")),
    (NEW_OR_TRANSFERRED, _("填“是”或“否”；新入职或转岗人员优先安排培训")),
    (OFFLINE_CLASS, _("选填，本项目已建立的线下班级编号（如 DY-2024-1-01），须与人员类别一致且未满员")),
)
