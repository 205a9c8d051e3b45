"""Passages: section boundaries, sentence ends, size, metadata and stable ids."""
import json

from rag.ingest.chunk import chunk, speaker_latin
from rag.index.artefacts import embed_text
from rag.ingest.structure import parse
from rag.text.normalize import ends_sentence


def _passages(report_text, max_chars=200):
    return chunk(parse(report_text, "report.txt"), max_chars)


def test_every_passage_carries_its_metadata(report_text):
    for p in _passages(report_text):
        assert p.source == "report.txt" and p.kind in ("text", "commentary", "epigraph", "caption", "toc", "cover")
        if p.kind != "cover":
            assert p.chapter.startswith("第") and p.page is not None
        if p.kind in ("text", "caption"):
            assert p.case and p.section


def test_passages_never_cross_a_section(report_text):
    doc = parse(report_text, "report.txt")
    for p in _passages(report_text):
        if p.kind == "text":
            # all of a passage's text comes from blocks of its own section
            own = "".join(b.text for b in doc.blocks if b.kind == "text" and " / ".join(b.section) == p.section and b.case == p.case)
            assert p.text in own


def test_passages_end_at_sentence_ends_and_fit_the_model(report_text):
    for p in _passages(report_text):
        if p.kind in ("text", "commentary", "epigraph"):
            assert len(p.text) <= 200
            assert ends_sentence(p.text) or p.incomplete, p.text[-20:]


def test_long_sections_are_split_only_at_chinese_sentence_ends(report_text):
    pieces = [p for p in _passages(report_text, 120) if p.section.startswith("二、特色做法 / （二）") and p.kind == "text"]
    assert len(pieces) >= 3
    # whole sentences; only a sentence longer than the limit is cut, and then at a Chinese comma
    assert all(p.text.endswith(("。", "；", "，")) for p in pieces)
    assert any(p.text.endswith("。") for p in pieces)
    assert any("3.5万人次" in p.text for p in pieces)  # 3.5 was not taken for a sentence end


def test_ids_are_stable_and_unique(report_text):
    first, second = _passages(report_text), _passages(report_text)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)
    # an edit in one section leaves the ids of the others untouched
    edited = _passages(report_text.replace("毕业生留在当地就业率超40%", "毕业生留在当地就业率超45%"))
    assert [p.id for p in edited] == [p.id for p in first]


def test_heading_path_is_prefixed_to_what_is_indexed(report_text):
    p = next(p for p in _passages(report_text) if "200万元日常运行经费" in p.text)
    assert embed_text(p).startswith("常州：新能源产教联合体的“破壁·共生·赋能” > 二、特色做法 / （一）")
    assert p.citation == "第三章 · 常州：新能源产教联合体的“破壁·共生·赋能” · 二、特色做法 · （一）政府主导联合体实体运行，破除体制机制壁垒 · 第71页起"


def test_special_kinds_stay_whole_and_json_serialisable(report_text):
    passages = _passages(report_text)
    kinds = {p.kind for p in passages}
    assert kinds == {"text", "commentary", "epigraph", "caption", "toc", "cover"}
    toc = [p for p in passages if p.kind == "toc"]
    assert len(toc) == 3 and "常州：新能源产教联合体的“破壁·共生·赋能” …… 第71页" in toc[0].text
    comment = next(p for p in passages if p.speaker.endswith("郑养鹏"))
    assert comment.extra["speaker_latin"] == "Zheng Yangpeng"
    assert "点评（北京理想汽车有限公司校企合作负责人郑养鹏）" in comment.citation
    data = json.loads(json.dumps(comment.to_dict(), ensure_ascii=False))
    assert data["citation"] == comment.citation and data["kind"] == "commentary"


def test_incomplete_case_is_visible_in_citation(report_text):
    last = [p for p in _passages(report_text) if p.case.startswith("晋江")][-1]
    assert last.incomplete and "不完整" in last.citation


def test_speaker_names():
    assert speaker_latin("中联重科股份有限公司人力资源管理中心主任李晓虹") == "Li Xiaohong"
    assert speaker_latin("联合体首批万帮数字能源“种子计划”现场工程师项目学员徐奇恒") == "Xu Qiheng"


def test_a_statistical_breakdown_names_the_total_it_breaks_down():
    """货物运输周转量 / #铁路 / 水运 / 公路 (周口 2023, table 6): 水运's 175.26 is of 周转量, which the row never says."""
    from rag.ingest.table import Table, row_labels

    transport = Table((("指标", "单位", "绝对数"),), (
        ("货物运输总量", "亿吨", "2.92"), ("#铁路", "亿吨", "0.80"), ("水运", "亿吨", "0.35"), ("公路", "亿吨", "1.77"),
        ("货物运输周转量", "亿吨公里", "962.97"), ("#铁路", "亿吨公里", "139.57"), ("水运", "亿吨公里", "175.26"),
        ("公路", "亿吨公里", "648.14")))
    assert row_labels(transport) == ["货物运输总量", "货物运输总量 #铁路", "货物运输总量 水运", "货物运输总量 公路",
                                     "货物运输周转量", "货物运输周转量 #铁路", "货物运输周转量 水运", "货物运输周转量 公路"]
    # Two breakdowns of one total (by residence, then by sex); a nested one; a partial list names only its # row.
    people = Table((), (("总人口", "4899310"), ("#城镇", "1654272"), ("乡村", "3245038"), ("#男性", "2617299"),
                        ("女性", "2282011"), ("收入", "77.25"), ("#税收", "39.52"), ("非税", "37.73"),
                        ("支出", "492.40"), ("#教育", "104.83"), ("卫生", "68.11")))
    assert row_labels(people) == ["总人口", "总人口 #城镇", "总人口 乡村", "总人口 #男性", "总人口 女性", "收入",
                                  "收入 #税收", "收入 非税", "支出", "支出 #教育", "卫生"]
