"""Parsing the converted report: every defect of the PDF conversion is handled."""
from rag.ingest.structure import parse

CHANGZHOU = "常州：新能源产教联合体的“破壁·共生·赋能”"
JINJIANG = "晋江：市域产教联合体的“下沉县域样板”"


def _doc(report_text):
    return parse(report_text, "report.txt")


def test_cover_gives_document_title(report_text):
    doc = _doc(report_text)
    assert doc.title == "2024年度中国职业教育质量报告——生机与力量：职业教育的中国故事"
    cover = [b for b in doc.blocks if b.kind == "cover"]
    assert len(cover) == 1 and "中国教育科学研究院 编著" in cover[0].text


def test_table_of_contents_pages(report_text):
    toc = {e.title: e for e in _doc(report_text).toc}
    assert len(toc) == 13
    assert toc[CHANGZHOU].page == 71 and toc[JINJIANG].page == 76
    assert toc["金教材浙金院样板：立足金融创新“四化”"].page == 103
    assert toc[CHANGZHOU].chapter.startswith("第三章") and toc[CHANGZHOU].chapter_page == 55
    assert toc["金华职业技术大学：“三型三式四化”来华留学生培养实践"].chapter.startswith("第五章")


def test_structure_comes_from_heading_text_not_hash_count(report_text):
    blocks = [b for b in _doc(report_text).blocks if b.case == CHANGZHOU and b.kind == "text"]
    sections = [b.section for b in blocks]
    # "## 五、社会影响" sits at case-title level in the file but is a section of the 常州 case.
    assert ("五、社会影响", "（三）权威媒体聚焦报道，上级领导充分肯定") in sections
    # "### ◎ 一" and "## ◎ 二" are the same level: both are top sections of one case.
    assert ("一、背景介绍",) in sections
    assert ("二、特色做法", "（一）政府主导联合体实体运行，破除体制机制壁垒") in sections
    assert {s[0] for s in sections} == {"一、背景介绍", "二、特色做法", "三、成果成效", "四、经验启示", "五、社会影响"}


def test_cases_carry_chapter_and_toc_page(report_text):
    for block in _doc(report_text).blocks:
        if block.case == CHANGZHOU:
            assert block.page == 71 and block.chapter.startswith("第三章")
        if block.case == JINJIANG:
            assert block.page == 76


def test_page_break_inside_a_sentence_is_joined(report_text):
    texts = [b.text for b in _doc(report_text).blocks]
    assert any("实施万帮数字能源“种子计划”" in t for t in texts)
    assert any("推动师资双向流动等措施，构建需求导向" in t for t in texts)
    assert any("操作储能设备" in t for t in texts)  # inside a bold commentary
    assert not any(t.endswith(("实施万帮", "等措", "操作储")) for t in texts)


def test_numbers_keep_original_spacing_for_display(report_text):
    texts = " ".join(b.text for b in _doc(report_text).blocks)
    assert "1 200 余家" in texts and "近 6 亿元" in texts and "3.5 万个" in texts


def test_commentaries_epigraphs_captions_are_their_own_kinds(report_text):
    blocks = _doc(report_text).blocks
    comments = [b for b in blocks if b.kind == "commentary"]
    assert [b.speaker for b in comments] == [
        "中联重科股份有限公司人力资源管理中心主任李晓虹",
        "北京理想汽车有限公司校企合作负责人郑养鹏",
        "联合体首批万帮数字能源“种子计划”现场工程师项目学员徐奇恒",
    ]
    assert all("**" not in b.text for b in comments)
    epigraphs = [b for b in blocks if b.kind == "epigraph"]
    assert [b.case for b in epigraphs] == [CHANGZHOU, JINJIANG]
    assert epigraphs[0].text.startswith("作为首批国家市域产教联合体") and "题记" not in epigraphs[0].text
    captions = [b for b in blocks if b.kind == "caption"]
    assert len(captions) == 1 and captions[0].text.startswith("图5 ") and captions[0].case == CHANGZHOU


def test_commentary_before_a_case_belongs_to_the_case_printed_before_it(report_text):
    # The 中联重科 commentary sits between the TOC and 常州: it ends the 湖南 case (p. 66).
    zoomlion = next(b for b in _doc(report_text).blocks if "中联重科" in b.text)
    assert zoomlion.case.startswith("湖南：") and zoomlion.page == 66 and zoomlion.incomplete


def test_cut_off_case_is_kept_and_marked_incomplete(report_text):
    doc = _doc(report_text)
    jinjiang = [b for b in doc.blocks if b.case == JINJIANG]
    assert jinjiang and all(b.incomplete for b in jinjiang)
    assert jinjiang[-1].text.endswith("理事会理事长由分管市")
    assert not any(b.incomplete for b in doc.blocks if b.case == CHANGZHOU)
    assert JINJIANG in doc.incomplete_cases


def test_heading_levels_do_not_matter(report_text):
    """The same text with every heading level changed parses to the same structure."""
    import re

    shuffled = re.sub(r"^#{1,4} ", lambda m: "#" * (5 - len(m.group(0).strip())) + " ", report_text, flags=re.M)
    original = [(b.kind, b.case, b.section, b.page) for b in _doc(report_text).blocks]
    assert [(b.kind, b.case, b.section, b.page) for b in parse(shuffled, "report.txt").blocks] == original


def test_front_matter_numbered_in_roman_is_cited_by_its_printed_label():
    from rag.ingest.chunk import chunk

    text = "某某学院质量报告\n# 一、前言\n本报告反映学院年度办学情况。\n# 二、办学基础\n学院专任教师486人。"
    doc = parse(text, "r.pdf", line_pages=(None, None, None, 1, 1), page_labels={1: "ii", 2: "ii"})
    passages = {p.text: p for p in chunk(doc)}
    preface, body = passages["本报告反映学院年度办学情况。"], passages["学院专任教师486人。"]
    assert (preface.page, preface.page_label) == (None, "ii") and preface.citation.endswith("第ii页")
    assert (body.page, body.page_label) == (1, "") and body.citation.endswith("第1页")


def test_chapters_with_sections_of_their_own_are_not_taken_for_a_case_tail():
    """A bank's annual report: contents, chapters with numbered sections, a case-like 审计报告 only in its last
    chapter. Its earlier chapters stay theirs (they all went to the contents' first entry, 重要提示)."""
    lines = ["# 重要提示", "本行董事会保证年度报告内容真实。", "重要提示........1", "第一章 公司简介........8",
             "审计报告........120", "# 第一章 公司简介", "## 1.1 公司基本情况", "本行股票代码000001。",
             "# 第十章 财务报告", "# 审计报告", "我们审计了平安银行的财务报表。"]
    doc = parse("\n".join(lines), "r.pdf", line_pages=(1, 1, 2, 2, 2, 8, 8, 8, 120, 120, 120))
    code = next(b for b in doc.blocks if "000001" in b.text)
    assert (code.chapter, code.case, code.section) == ("第一章 公司简介", "", ("1.1公司基本情况",)), code
    audit = next(b for b in doc.blocks if "审计了" in b.text)
    assert audit.chapter == "第十章 财务报告" and audit.case == "审计报告"
