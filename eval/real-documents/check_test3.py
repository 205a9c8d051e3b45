"""Check questions-test3.toml (the third real-document test set) against its real public PDFs, fetched from the
repository named in each document's `source` and saved here under their `file` names (git-ignored).

Only its tables are its own (NOT_COVERED, ROW, OPERAND_ROW, LAYOUT): the page, footer, row and figure rules are
check_dev2.py's, run on them.

For every document: the file's sha256 is the one recorded, every listed heading is printed in it, and its layout is
the one described (pages with no text layer, the PDF page whose footer first prints a number). For every question
with a page: the figure (a number as a whole number, not inside a longer one; a code, name or date with spaces and
full/half width ignored) is printed on that printed page, and on no other page that `also_pages` does not list. A
printed page is the number in the page's footer, read from the lowest printed line of the page ("1", "— 1 —",
"—— 1 ——"); "pdf:N" is the PDF's N-th page. Where ROW names the row a table figure belongs to, the figure must be
printed on a line of that page that also prints the row's name (pypdf or pdfplumber text), or in a row of a ruled
table (pdfplumber's cells) one of whose cells names the row; OPERAND_ROW does the same for operands. Computed
questions: every operand is printed on its page and the value follows from the operands. Not-covered questions:
none of the key words in NOT_COVERED is printed anywhere in the document.

    .venv/bin/python eval/real-documents/check_test3.py                 # check everything
    .venv/bin/python eval/real-documents/check_test3.py find FILE TEXT  # where TEXT is printed (PDF -> page)
    .venv/bin/python eval/real-documents/check_test3.py pages FILE      # the footer read on each PDF page
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_dev2  # noqa: E402

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions-test3.toml"

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # ecut-electronic-information-engineering-training-plan.pdf
    "东华理工大学电子信息工程专业每学年的学费标准是多少？": ["学费", "收费", "费用"],
    "东华理工大学电子信息工程专业毕业生的就业率是多少？": ["就业率", "去向落实率", "签约率"],
    "东华理工大学电子信息工程专业可以获得多少奖学金？": ["奖学金", "助学金", "奖励"],
    # ecut-automation-training-plan.pdf
    "东华理工大学自动化专业每年的学费是多少？": ["学费", "收费", "费用"],
    "东华理工大学自动化专业往届毕业生的就业率是多少？": ["就业率", "去向落实率", "签约率"],
    "东华理工大学自动化专业每届学生可以申请哪些奖学金？": ["奖学金", "助学金", "奖励"],
}

# question -> the row name that must stand on the same printed line as the figure (or in the same table row)
ROW: dict[str, str] = {
    # ecut-electronic-information-engineering-training-plan.pdf
    "按东华理工大学电子信息工程专业的课程学分结构（专业认证标准类别），数学与自然科学类课程共多少学分？": "数学与自然科学",
    "东华理工大学电子信息工程专业培养方案中，工程实践与毕业设计类课程学分占总学分的比例是多少？": "工程实践与毕业设计",
    "东华理工电子信息工程专业的人文社会科学类课程安排了多少学分？": "人文社会科学",
    "东华理工大学电子信息工程专业，专业教育课程中的理论教学一共多少学时？": "理论教学",
    "电子信息工程专业（东华理工大学）通修通识教育课程的理论教学，必修加选修合计多少学时？": "理论教学",
    "东华理工大学电子信息工程专业的集中实践教育课程合计多少学分？": "集中实践教育课程",
    "在东华理工大学电子信息工程专业课程结构中，多元化培养课程里的科技创新类占总学分的百分之几？": "科技创新类",
    "东华理工大学电子信息工程专业的专业方向选修课程占总学分的比例是多少？": "专业方向选修课程",
    "东华理工大学电子信息工程专业的实验课（含课内实验）合计有多少学时？": "实验课（含课内实验）",
    "东华理工大学电子信息工程专业专业教育课程的实验教学，占总学分的比例是多少？": "实验教学",
    "东华理工大学电子信息工程专业课程进度表中，第三学期的每学期平均周学时（含实验学时）是多少？": "每学期平均周学时",
    "What share of total credits do mathematics and natural science courses make up in East China University of "
    "Technology's Electronic Information Engineering training plan (percent)?": "数学与自然科学",
    "What is the course code of Digital Signal Processing in the Electronic Information Engineering programme of "
    "East China University of Technology?": "数字信号处理",
    "东华理工大学电子信息工程专业开设的高等数学（BI），课程代码是多少？": "高等数学（BI）",
    # ecut-automation-training-plan.pdf
    "东华理工大学自动化专业的通修通识教育课程中，理论教学合计多少学时？": "理论教学",
    "东华理工大学自动化专业专业教育课程的理论教学合计多少学时？": "理论教学",
    "东华理工大学自动化专业的集中实践教育课程一共多少学分？": "集中实践教育课程",
    "在东华理工大学自动化专业的学分结构中，科技创新类课程占总学分的百分比是多少？": "科技创新类",
    "东华理工大学自动化专业的实践环节（含课内实验）占总学分的比例是多少？": "实践环节(含课内实验)",
    "东华理工大学自动化专业，专业教育课程的实验教学占总学分多少？（百分比）": "实验教学",
    "东华理工大学自动化专业培养方案中，必修课合计多少学分？": "合计",
    "东华理工大学自动化专业的实践环节（含课内实验）合计多少学分？": "实践环节(含课内实验)",
    "东华理工大学自动化专业的专业方向选修课程占总学分的比例是多少？": "专业方向选修课程",
    "东华理工大学自动化专业课程进度表里，第四学期的每学期平均周学时（含实验学时）是多少？": "每学期平均周学时",
    "东华理工大学自动化专业的毕业设计（论文）安排多少周？": "毕业设计（论文）",
    "In East China University of Technology's Automation training plan, what percentage of total credits do the "
    "concentrated practical education courses account for?": "集中实践教育课程",
    "What is the course code of Automatic Control System in East China University of Technology's Automation "
    "curriculum?": "自动控制系统",
    "东华理工大学自动化专业开设的Python程序设计，课程代码是什么？": "Python",
}

# (computed question, operand) -> the row name the operand must stand on (same test as ROW)
OPERAND_ROW: dict[tuple[str, str], str] = {
    ("东华理工大学电子信息工程专业的工程及专业相关类课程与数学与自然科学类课程合计多少学分？", "56"): "工程及专业相关",
    ("东华理工大学电子信息工程专业的工程及专业相关类课程与数学与自然科学类课程合计多少学分？", "28"): "数学与自然科学",
    ("东华理工大学电子信息工程专业，专业教育课程理论教学的必修学分比通修通识教育课程理论教学的必修学分多多少？", "57.5"):
        "理论教学",
    ("东华理工大学电子信息工程专业，专业教育课程理论教学的必修学分比通修通识教育课程理论教学的必修学分多多少？", "33.5"):
        "理论教学",
    ("东华理工大学自动化专业的通修通识教育课程理论教学与专业教育课程理论教学一共多少学时？", "784"): "理论教学",
    ("东华理工大学自动化专业的通修通识教育课程理论教学与专业教育课程理论教学一共多少学时？", "920"): "理论教学",
    ("东华理工大学自动化专业的通修通识教育课程理论教学和专业教育课程理论教学，合计占总学分的百分之多少？", "25.14"):
        "理论教学",
    ("东华理工大学自动化专业的通修通识教育课程理论教学和专业教育课程理论教学，合计占总学分的百分之多少？", "33.2"):
        "理论教学",
}

# file -> layout facts: PDF pages without a text layer, the PDF page whose footer first prints a number, and the
# number it prints (1 unless given)
LAYOUT: dict[str, dict] = {
    "ecut-electronic-information-engineering-training-plan.pdf": {"no_text": [], "first_numbered": None,
                                                                  "pages": (18, 18)},
    "ecut-automation-training-plan.pdf": {"no_text": [], "first_numbered": 1, "pages": (22, 22)},
}


if __name__ == "__main__":
    sys.exit(check_dev2.main(sys.argv[1:], sys.modules[__name__]))
