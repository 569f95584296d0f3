"""Reading roster files: xlsx, csv in UTF-8 (BOM or not) and GBK; one clear error for what is not a roster."""

import datetime

import pytest

from tests.training.roster_support import csv_bytes, xlsx_bytes
from training.rosters import columns as c
from training.rosters.checks import parse_date
from training.rosters.reading import RosterFileError, read_roster

ROW = {
    c.NAME: "张三",
    c.ID_NUMBER: "11010519491231002X",
    c.PERSONNEL_CLASS: "班组长",
    c.CREDIT_CODE: "91350100M000100Y43",
    c.PHONE: "13912345678",
    c.POST_START_DATE: "2023-03-01",
    c.NEW_OR_TRANSFERRED: "是",
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_saves(encoding):
    frame = read_roster(csv_bytes([ROW], encoding=encoding))
    assert frame.loc[0, c.NAME] == "张三"
    assert frame.loc[0, c.PERSONNEL_CLASS] == "班组长"
    assert frame.loc[0, "row"] == 2  # the header is row 1
    assert frame.loc[0, c.OFFLINE_CLASS] == ""  # the optional column may be absent


def test_xlsx_keeps_id_numbers_and_turns_numeric_phones_back_into_text():
    frame = read_roster(xlsx_bytes([{**ROW, c.PHONE: 13912345678}]))
    assert frame.loc[0, c.ID_NUMBER] == "11010519491231002X"
    assert frame.loc[0, c.PHONE] == "13912345678"


def test_blank_lines_are_dropped_but_row_numbers_stay_those_of_the_sheet():
    blank = dict.fromkeys(ROW, "")
    frame = read_roster(csv_bytes([blank, ROW, blank]))
    assert list(frame["row"]) == [3]


def test_header_cells_are_trimmed_and_extra_columns_kept():
    header = ",".join([f" {h}* " for h in c.REQUIRED_COLUMNS] + ["备注"])
    line = ",".join([f" {ROW[h]} " for h in c.REQUIRED_COLUMNS] + ["x"])
    frame = read_roster(f"{header}\n{line}\n".encode())
    assert frame.loc[0, c.ID_NUMBER] == "11010519491231002X"
    assert frame.loc[0, "备注"] == "x"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n", "文件为空"),
        (csv_bytes([]), "文件没有数据行"),
        (
            csv_bytes([ROW], headers=[c.NAME, c.PERSONNEL_CLASS, c.CREDIT_CODE, c.POST_START_DATE]),
            "缺少列：身份证号, 手机号, 新入职或转岗",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文件不是表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "不支持旧版xls格式"),
        (b"PK\x03\x04broken zip", "文件不是有效的xlsx表格"),
        ("名字,年龄\n张三,3\n".encode(), "缺少列：姓名, 身份证号"),
    ],
)
def test_what_is_not_a_roster_gets_one_clear_line(data, message):
    with pytest.raises(RosterFileError) as error:
        read_roster(data)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("cell", [datetime.date(2023, 3, 1), datetime.datetime(2023, 3, 1)])
def test_xlsx_date_cells_read_as_dates(cell):
    frame = read_roster(xlsx_bytes([{**ROW, c.POST_START_DATE: cell}]))
    assert parse_date(frame.loc[0, c.POST_START_DATE]) == datetime.date(2023, 3, 1)
