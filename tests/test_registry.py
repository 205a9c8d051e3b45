"""Document titles (metadata only when real, else the largest text of the first pages, never a 目录 line or a
附件 label, the file name last and flagged), the document registry (kind, year, region, issuer, short names, where
each came from) and the maintainer's audit (`python -m rag documents --audit`), on documents made here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.ingest.pipeline import ingest
from rag.ingest.registry import (BODY as BODY_TEXT, FILE_NAME, FIRST_PAGE, METADATA, SIDECAR, issuer_in_title, kind_of,
                                 region_in_text, region_of, short_names, total_mismatches)
from rag.ingest.table import Table
from rag.ingest.titles import metadata_title

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
BODY = ("学校坚持立德树人根本任务，深化产教融合、校企合作，办学条件持续改善，人才培养质量稳步提升。"
        "全年共有毕业生3912人，毕业去向落实率为93.1%，专业对口率达到81.5%。")
TOC = [("一、学校概况", "1"), ("二、深化生涯教育，加强师资匹配，提升职业教育的专业化和精准性", "3"), ("三、服务贡献", "5")]


class Pdf:
    """A reportlab PDF written page by page in a CJK font."""

    def __init__(self, path: Path, title: str | None = None):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        if not FONT.is_file():
            pytest.skip("apt-get install fonts-wqy-zenhei")
        pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
        self.path = path
        self.pdf = canvas.Canvas(str(path), pagesize=(595, 842))
        if title is not None:
            self.pdf.setTitle(title)

    def text(self, y: float, text: str, size: float = 10.5, centred: bool = False, x: float = 72) -> None:
        self.pdf.setFont("WQY", size)
        if centred:
            self.pdf.drawCentredString(297, y, text)
        else:
            self.pdf.drawString(x, y, text)

    def paragraph(self, y: float, text: str, size: float = 10.5, width: int = 42) -> float:
        """The text wrapped at `width` characters a line, from y down; returns the y below it."""
        for start in range(0, len(text), width):
            self.text(y, text[start:start + width], size)
            y -= size * 1.6
        return y - size

    def image(self) -> None:
        """A page that is one picture (a cover photograph): no text at all."""
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        picture = Image.new("RGB", (300, 400), (180, 30, 40))
        self.pdf.drawImage(ImageReader(picture), 100, 200, width=395, height=500)

    def contents(self) -> None:
        self.text(760, "目  录", 18, centred=True)
        for k, (title, page) in enumerate(TOC):
            self.text(710 - 30 * k, f"{title} {'.' * 20} {page}", 12)

    def body(self, heading: str, folio: str, title: str = "") -> None:
        y = 770
        if title:
            self.text(y, title, 20, centred=True)
            y -= 50
        self.text(y, heading, 14)
        y = self.paragraph(y - 30, f"本节是第{folio}页的内容。" + BODY * 2)
        self.paragraph(y, BODY + f"（第{folio}页完）")
        self.text(40, folio, 9, centred=True)

    def page(self) -> None:
        self.pdf.showPage()

    def save(self) -> Path:
        self.pdf.save()
        return self.path


def _record(folder: Path):
    """The registry record of the only document in the folder."""
    records = ingest(folder, 200).documents
    assert len(records) == 1
    return records[0]


def image_cover_report(folder: Path, title_on_first_page: bool = True, name: str = "report.pdf") -> Path:
    """A cover picture, a 目录 page listing a long second section, then the body (its first page titled or not)."""
    doc = Pdf(folder / name)
    doc.image()
    doc.page()
    doc.contents()
    doc.page()
    doc.body("一、学校概况", "1", title="常州工业职业技术学院2024年质量年度报告" if title_on_first_page else "")
    doc.page()
    doc.body("二、深化生涯教育，加强师资匹配，提升职业教育的专业化和精准性", "2")
    return doc.save()


def test_a_cover_picture_and_a_contents_page_never_give_the_title(tmp_path):
    image_cover_report(tmp_path)
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("常州工业职业技术学院2024年质量年度报告", FIRST_PAGE)
    assert "目录" not in record.title and "深化生涯教育" not in record.title
    assert record.pages == 4 and record.findings.pages_without_text == (1,)


def test_a_cover_with_only_a_big_title_gives_it(tmp_path):
    doc = Pdf(tmp_path / "cover.pdf")
    doc.text(520, "江川职业技术学院", 26, centred=True)
    doc.text(480, "2024年质量年度报告", 26, centred=True)
    doc.text(200, "二〇二四年十二月", 14, centred=True)
    doc.page()
    doc.contents()
    doc.page()
    doc.body("一、学校概况", "1")
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("江川职业技术学院 2024年质量年度报告", FIRST_PAGE)
    assert (record.year, record.kind, record.issuer) == (2024, "质量年度报告", "江川职业技术学院")


def test_no_printed_title_falls_back_to_the_file_name_flagged_never_to_the_contents(tmp_path):
    image_cover_report(tmp_path, title_on_first_page=False, name="2023-jiangchuan.pdf")
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("2023-jiangchuan.pdf", FILE_NAME)
    assert (record.year, record.year_from) == (2023, FILE_NAME)


def test_a_document_that_prints_no_title_takes_issuer_and_region_from_its_text(tmp_path):
    """An attachment under an image notice prints its issuer only in its colophon (江西省教育厅办公室 2024年12月13日印发);
    a work report that prints no title says 北京 throughout and 全市 for itself: both had been asked by their place and
    refused (dev split)."""
    doc = Pdf(tmp_path / "annex.pdf")
    doc.image()
    doc.page()
    for _ in range(6):  # the table's pages, then the colophon on the last
        doc.text(760, "附件")
        doc.paragraph(720, "5504文化服务类、5701教育类、5702语言类、5904文秘类" * 3)
        doc.page()
    doc.text(100, "江西省教育厅办公室                 2024年12月13日印发")
    doc.save()
    record = _record(tmp_path)
    assert (record.title_from, record.issuer, record.issuer_from) == (FILE_NAME, "江西省教育厅办公室", BODY_TEXT)
    assert (record.region, record.region_from) == ("江西省", BODY_TEXT)
    (tmp_path / "annex.pdf").unlink()

    doc = Pdf(tmp_path / "work-report.pdf")
    y = doc.paragraph(760, "各位代表：过去一年，全市经济回升向好。" + "北京国际科技创新中心建设加快，北京服务品牌更加响亮，"
                      "城镇新增就业28.1万人。" * 3 + "深化健康北京建设，推进美丽北京建设。")
    doc.paragraph(y, "上海、天津两地合作项目落地。")
    doc.save()
    record = _record(tmp_path)
    assert (record.title_from, record.region, record.region_from) == (FILE_NAME, "北京市", BODY_TEXT)


def test_the_region_read_from_text_is_the_place_it_names_far_most():
    assert region_in_text("周口市" * 2 + "全市") == ""  # named too seldom
    assert region_in_text("湖北省武汉大学，北京大学，" * 3 + "湖北" * 3) == ""  # a table of universities: no one place leads
    assert region_in_text("溪川县教育局" * 5 + "江岭市" * 2) == "溪川县"
    assert region_in_text("深化健康北京建设" * 6) == "北京市"


@pytest.mark.parametrize("same_size", [False, True])
def test_an_annex_label_is_skipped_for_the_title_below_it(tmp_path, same_size):
    """附件2 on the first line, the title under it (larger, or bold-free but centred in body size), then text."""
    doc = Pdf(tmp_path / "fujian2.pdf")
    doc.text(780, "附件2", 16)
    doc.text(740, "江川市2024年职业教育活动周工作方案", 16 if same_size else 22, centred=True)
    y = doc.paragraph(700, BODY * 3, 16, width=30)
    doc.paragraph(y, BODY * 2, 16, width=30)
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("江川市2024年职业教育活动周工作方案", FIRST_PAGE)
    assert (record.kind, record.year, record.region) == ("方案", 2024, "江川市")


def test_a_pdf_printers_metadata_title_is_ignored_a_real_one_is_used(tmp_path):
    doc = Pdf(tmp_path / "x.pdf", title="Microsoft Word - x.docx")
    doc.text(500, "江川职业技术学院2024年毕业生就业质量年度报告", 24, centred=True)
    doc.page()
    doc.body("一、就业概况", "1")
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("江川职业技术学院2024年毕业生就业质量年度报告", FIRST_PAGE)
    assert record.kind == "就业质量报告"
    (tmp_path / "x.pdf").unlink()
    doc = Pdf(tmp_path / "y.pdf", title="江川职业技术学院2024年质量年度报告")
    doc.text(500, "年度报告", 24, centred=True)
    doc.page()
    doc.body("一、学校概况", "1")
    doc.save()
    assert (_record(tmp_path).title, _record(tmp_path).title_from) == ("江川职业技术学院2024年质量年度报告", METADATA)


def test_a_running_head_is_the_title_where_nothing_else_prints_one(tmp_path):
    """A table printed under its title on every page: the title is a running head, and the only one there is."""
    head = "湖北省2023年本科普通批录取院校（首选物理）平行志愿投档线"
    doc = Pdf(tmp_path / "lines.pdf")
    for page in range(1, 5):
        doc.text(800, head, 15, centred=True)
        for row in range(30):
            doc.text(760 - 22 * row, f"{1000 + 40 * page + row}  江川第{page}{row:02d}学院  {600 - row - page}  {12000 + 37 * row + page}")
        doc.text(40, f"- {page} -", 9, centred=True)
        doc.page()
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from, record.year, record.region) == (head, FIRST_PAGE, 2023, "湖北省")


def test_a_metadata_title_that_only_names_a_place_comes_last_and_is_flagged(tmp_path):
    """The 黔东南 bulletin: /Title names the prefecture, page 1 prints the bureau, the date and running text."""
    from rag.ingest.registry import problems

    doc = Pdf(tmp_path / "bulletin.pdf", title="黔东南苗族侗族自治州")
    doc.text(700, "黔东南州统计局", 14, centred=True)
    doc.text(675, "2024年5月7日", 14, centred=True)
    y = doc.paragraph(630, "2023年，在省委省政府和州委州政府的坚强领导下，全州上下深入贯彻党的二十大精神，" + BODY, 16, width=26)
    doc.text(y - 10, "一、综合", 18)
    doc.paragraph(y - 50, "全年全州生产总值1329.65亿元，比上年增长4.0%。" + BODY, 16, width=26)
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("黔东南苗族侗族自治州", METADATA)
    assert (record.issuer, record.issuer_from) == ("黔东南州统计局", FIRST_PAGE)
    assert record.year == 2023  # the year it reports on, not the day it was issued
    assert [p.what for p in problems(record)][:1] == ["title-is-a-name"]


def test_a_labelled_issuer_and_a_letter_spaced_title(tmp_path):
    doc = Pdf(tmp_path / "budget.pdf")
    doc.text(600, "行 政 院 施 政 報 告", 30, centred=True)
    doc.text(400, "预算单位：上海市财政局", 16, centred=True)
    doc.text(370, "单位：万元", 12, centred=True)
    doc.page()
    doc.body("一、概况", "1")
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.kind, record.issuer) == ("行政院施政報告", "施政报告", "上海市财政局")


def test_an_official_documents_masthead_is_its_issuer_and_its_wrapped_title_one_line(tmp_path):
    """红头文件: 江岭市教育局文件 in the largest type, the document number, then the title wrapped over two lines."""
    doc = Pdf(tmp_path / "notice.pdf")
    doc.text(700, "江岭市教育局文件", 48, centred=True)
    doc.text(620, "江教财〔2025〕9号 签发人：周立新", 16, centred=True)
    doc.text(565, "江岭市教育局关于2023年度部门预算执行和其", 22, centred=True)
    doc.text(535, "他财政收支审计查出问题整改情况的报告", 22, centred=True)
    doc.text(490, "江岭市审计局：", 16)
    doc.paragraph(460, "2024年9月10日至11月22日，市审计局对我局2023年度部门预算执行情况进行了审计。" + BODY, 16, width=26)
    doc.save()
    record = _record(tmp_path)
    assert record.title == "江岭市教育局关于2023年度部门预算执行和其他财政收支审计查出问题整改情况的报告"
    assert (record.issuer, record.kind, record.region) == ("江岭市教育局", "审计", "江岭市")


def test_front_matter_headings_are_no_title_a_running_head_over_the_body_is(tmp_path):
    """A picture cover, 学校简介 and 报告说明 pages with no running head, then the body under its running head."""
    title = "江岭科技大学2024届毕业生就业质量年度报告"
    doc = Pdf(tmp_path / "employment.pdf")
    doc.image()
    doc.page()
    for heading in ("学校简介", "报告说明"):
        doc.text(770, heading, 18, centred=True)
        doc.paragraph(730, f"{heading}：" + BODY * 3, 12)
        doc.page()
    for page in range(1, 4):
        doc.text(810, title, 9, centred=True)
        doc.text(770, f"{'一二三'[page - 1]}、第{page}部分", 16)
        doc.paragraph(730, f"第{page}部分正文。" + BODY * 2, 12)
        doc.text(40, str(page), 10, centred=True)
        doc.page()
    doc.save()
    record = _record(tmp_path)
    assert (record.title, record.title_from, record.kind, record.issuer) == (title, FIRST_PAGE, "就业质量报告", "江岭科技大学")


def test_metadata_titles_that_are_no_titles():
    for raw in ("Microsoft Word - x.docx", "PowerPoint 演示文稿", "untitled", "文档1", "report_final_v2", "年度报告.pdf",
                "附件2", "目录", "", "   "):
        assert metadata_title(raw) == "", raw
    assert metadata_title("2024 Annual Report", chinese=True) == ""
    assert metadata_title("jiangchuan", file_name="jiangchuan.pdf") == ""
    assert metadata_title("江川职业技术学院2024年质量年度报告", "report.pdf", True) == "江川职业技术学院2024年质量年度报告"


def test_a_word_title_comes_from_its_title_paragraph_not_a_printers_metadata(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Microsoft Word - x.docx"
    document.add_paragraph("附件2")
    document.add_paragraph("江川市2024年部门预算", style="Title")
    document.add_paragraph(BODY)
    document.save(str(tmp_path / "x.docx"))
    record = _record(tmp_path)
    assert (record.title, record.title_from, record.kind) == ("江川市2024年部门预算", FIRST_PAGE, "预算")


def test_the_sidecar_overrides_title_year_and_issuer(tmp_path):
    image_cover_report(tmp_path)
    (tmp_path / "report.meta.toml").write_text(
        'title = "常州工业职业技术学院质量年度报告（2023年度）"\nyear = 2023\nissuer = "常州工业职业技术学院质量办"\n',
        encoding="utf-8")
    record = _record(tmp_path)
    assert (record.title, record.title_from) == ("常州工业职业技术学院质量年度报告（2023年度）", SIDECAR)
    assert (record.year, record.year_from, record.issuer, record.issuer_from) == (2023, SIDECAR, "常州工业职业技术学院质量办", SIDECAR)
    assert (record.kind, record.kind_from) == ("质量年度报告", SIDECAR)


def test_the_registry_derives_kind_year_region_issuer_and_short_names(tmp_path):
    image_cover_report(tmp_path)
    record = _record(tmp_path)
    assert (record.kind, record.kind_from) == ("质量年度报告", FIRST_PAGE)
    assert (record.year, record.year_from) == (2024, FIRST_PAGE)
    assert (record.issuer, record.issuer_from) == ("常州工业职业技术学院", FIRST_PAGE)
    assert record.region == "常州" and record.region_from == FIRST_PAGE
    assert {"常州工院", "常工院"} <= set(record.short_names)


@pytest.mark.parametrize("title, kind", [
    ("周口市2023年国民经济和社会发展统计公报", "统计公报"), ("江川市教育局2023年部门决算", "决算"),
    ("2024年江川市职业教育质量年度报告", "质量年度报告"), ("中国职业教育质量报告", "质量年度报告"),
    ("江川职业技术学院2024届毕业生就业质量年度报告", "就业质量报告"), ("职业教育数字化转型发展白皮书（2024）", "白皮书"),
    ("中等职业学校专业教学标准", "标准"), ("江川市审计局关于2023年度市级预算执行的审计工作报告", "审计"),
    ("平安银行股份有限公司2024年年度报告", "年度报告"), ("臺江市政府機關學校 節約能源執行手冊", "手册"), ("会议纪要", ""),
])
def test_kinds_come_from_the_titles_words(title, kind):
    assert kind_of(title) == kind


def test_regions_issuers_and_short_names_by_rule():
    assert region_of("周口市2023年国民经济和社会发展统计公报") == "周口市"
    assert region_of("黔东南苗族侗族自治州2023年国民经济和社会发展统计公报") == "黔东南苗族侗族自治州"
    assert region_of("会议纪要", "江苏省教育厅") == "江苏省"
    assert region_of("上海市普陀区2025年区级部门预算") == "上海市普陀区"  # places printed together are one
    assert issuer_in_title("常州工业职业技术学院2024年质量年度报告") == "常州工业职业技术学院"
    assert issuer_in_title("周口市2023年国民经济和社会发展统计公报") == "周口市"
    assert issuer_in_title("2024年度中国职业教育质量报告") in ("", "中国")
    assert {"常州工院", "常工院"} <= set(short_names("常州工业职业技术学院"))
    assert {"深职院", "深圳职院"} <= set(short_names("深圳职业技术学院"))
    assert "浙金院" in short_names("浙江金融职业学院")
    assert "黔东南州" in short_names("黔东南苗族侗族自治州")
    assert "周口" in short_names("周口市")
    assert short_names("中国教育科学研究院") == ()
    assert {"万里街道办事处", "万里街道"} <= set(short_names("上海市普陀区人民政府万里街道办事处"))  # a nested body
    assert issuer_in_title("行政院施政報告") == "行政院"


def test_a_total_row_that_the_rows_do_not_add_up_to_is_found():
    good = Table(header=(("项目", "金额（万元）", "占比（%）"),),
                 rows=(("财政拨款", "1,200.5", "75.0"), ("其中：专项", "300", "18.8"), ("事业收入", "399.5", "25.0"),
                       ("合计", "1,600.0", "100.0")), caption="表1 收入")
    assert total_mismatches(good) == []
    accounts = Table(header=(("", "2024年12月31日"),),  # a bank's note: 小计, then 加：/减： (negatives in brackets)
                     rows=(("境内银行同业", "2,637"), ("境外银行同业", "50,019"), ("小计", "52,656"), ("加：应计利息", "1,739"),
                           ("减：减值准备", "(1,156)"), ("合计", "53,239")))
    assert total_mismatches(accounts) == []
    bad = Table(header=(("项目", "金额（万元）", "增长率（%）"),),
                rows=(("财政拨款", "1200", "3.1"), ("事业收入", "300", "2.0"), ("其他收入", "50", "1.0"), ("合计", "1600", "9.9")),
                caption="表2 收入", row_pages=(4, 4, 4, 4))
    found = total_mismatches(bad)
    assert len(found) == 1
    assert (found[0].row, found[0].column, found[0].printed, found[0].summed, found[0].page) == ("合计", "金额（万元）", 1600, 1550, 4)


def _bad_table_report(folder: Path) -> Path:
    """A titled report whose second page is blank and whose table's rows do not add up to its 合计 row."""
    doc = Pdf(folder / "budget.pdf")
    doc.text(520, "江川市教育局2024年部门预算", 26, centred=True)
    doc.page()
    doc.page()  # a page left without text
    doc.text(770, "一、收入预算", 14)
    doc.text(745, "本年收入预算合计1600万元，其中财政拨款1200万元。")
    doc.text(715, "表1 2024年收入预算", 12, centred=True)
    x, rows = [72, 272, 402], [("财政拨款", "1200"), ("事业收入", "300"), ("其他收入", "50"), ("合计", "1600")]
    top, head, bottom = 705, 680, 680 - 20 * len(rows) - 10
    for y in (top, head, bottom):
        doc.pdf.line(x[0], y, x[-1], y)
    for xi in x:
        doc.pdf.line(xi, top, xi, bottom)
    doc.text(688, "项目", x=x[0] + 5)
    doc.text(688, "金额（万元）", x=x[1] + 5)
    for k, (label, value) in enumerate(rows):
        doc.text(664 - 20 * k, label, x=x[0] + 5)
        doc.text(664 - 20 * k, value, x=x[1] + 5)
    doc.text(40, "3", 9, centred=True)
    return doc.save()


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """A corpus of three documents, each with a planted defect, indexed with the real embedding model."""
    from rag import Report

    folder = tmp_path_factory.mktemp("corpus")
    image_cover_report(folder, title_on_first_page=False, name="untitled-report.pdf")
    _bad_table_report(folder)
    (folder / "notes.txt").write_text("本文记录了江川职业技术学院2024年的若干情况。\n\n学校全年培训在岗职工1.2万人次。\n",
                                      encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    Report(folder, index).build()
    return folder, index


def test_the_registry_travels_with_the_index(audited):
    from rag import Report

    folder, index = audited
    records = {r.source: r for r in Report(folder, index).documents()}
    assert set(records) == {"untitled-report.pdf", "budget.pdf", "notes.txt"}
    budget = records["budget.pdf"]
    assert (budget.title, budget.kind, budget.year, budget.issuer, budget.region) == (
        "江川市教育局2024年部门预算", "预算", 2024, "江川市教育局", "江川市")
    assert budget.findings.passages > 0 and budget.findings.tables == 1


def test_documents_command_prints_the_registry(audited, capsys):
    folder, index = audited
    assert main(["documents", "--corpus", str(folder), "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "江川市教育局2024年部门预算 P" in out and "预算 P" in out and "共 3 份文档" in out
    assert main(["documents", "--json", "--corpus", str(folder), "--index", str(index)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["source"]: r["title_from"] for r in rows}["untitled-report.pdf"] == "file name"


def test_the_audit_lists_each_planted_defect(audited, capsys):
    folder, index = audited
    assert main(["documents", "--audit", "--corpus", str(folder), "--index", str(index)]) == 0
    out = capsys.readouterr().out
    blocks = {b.split()[0]: b for b in ("\n" + out).split("\n✗ ")[1:] + ("\n" + out).split("\n✓ ")[1:]}
    untitled, budget, notes = blocks["untitled-report.pdf"], blocks["budget.pdf"], blocks["notes.txt"]
    assert "以文件名作标题" in untitled and "第1页（文件页）没有文字" in untitled
    assert "第2页（文件页）没有文字" in budget
    assert "表1 2024年收入预算" in budget and "“合计”行" in budget and "1,600" in budget and "1,550" in budget
    assert "以文件名作标题" in notes
    assert "以文件名作标题" not in budget and "文字层是乱码" not in out
    assert "4 页" in untitled and "段落" in budget and "数字" in budget


def test_an_index_built_before_the_registry_still_opens(audited, tmp_path):
    """A manifest without the registry (an older version) loads; its records come from its sources."""
    import shutil

    from rag import Report
    from rag.index.versions import current_version

    folder, index = audited
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    manifest = current_version(copy) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["documents"]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    records = {r.source: r for r in Report(folder, copy).documents()}
    assert records["budget.pdf"].title == "江川市教育局2024年部门预算" and records["budget.pdf"].kind == "预算"
    assert records["budget.pdf"].title_from == ""


def test_a_printed_title_is_kept_when_the_file_is_named_after_it():
    """A file named after its title (as uploads from the web page usually are) keeps the printed title, not its name
    with the extension; a bare file name printed large is still no title."""
    from rag.ingest.registry import FIRST_PAGE, choose_title

    title = "青禾职业学院2025年质量年度报告"
    assert choose_title("", "", title, "", f"{title}.pdf") == (title, FIRST_PAGE)
    assert choose_title("", "", "report_final_v2", "", "report_final_v2.pdf")[1] == "file name"
