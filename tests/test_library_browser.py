"""The 文档 tab in the real browser (Debian's Chromium, headless), the page behind two logins: the maintainer logs in,
uploads a small PDF, sees it checked and indexed, finds it in the table, chooses it and asks it a question answered
with its citation; bad files (truncated, garbage, encrypted, scanned) are refused by name with the reason, and nothing
indexed is lost; an official logs in, sees the documents and asks, but is offered no upload; /documents for
gradio_client returns the registry with the new record."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import upload_files as files
from helpers import CORPUS, ROOT, running_app
from test_webapp_browser import CHROMEDRIVER, CHROMIUM, ask, chromium, shot, sources, tab, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)"),
]
DOCS_SHOT = ROOT / "docs" / "img" / "documents.png"  # docs/guide.md and docs/web.md show it (committed)
UPLOAD_WAIT = 180  # seconds: each file read in its own process, then an incremental rebuild, on two busy cores
OFFICIAL, MAINTAINER = ("官员", "ask-secret"), ("维护", "upload-secret")  # [web] auth and [web] maintainer_auth


@pytest.fixture(scope="module")
def library_site(built_index, tmp_path_factory):
    """app.py (extraction) with uploads allowed and both logins, over a copy of the corpus and the session's index;
    Chromium logged in as the maintainer."""
    folder = tmp_path_factory.mktemp("library-site")
    (folder / "corpus").mkdir()
    for part in ("txt", "meta.toml"):
        shutil.copy(CORPUS / f"vocational-education-quality-report-2024-excerpt.{part}", folder / "corpus")
    shutil.copytree(built_index, folder / "index")
    made = folder / "made"
    made.mkdir()
    good = files.report_pdf(made / f"{files.TITLE}.pdf")
    files.truncated_pdf(good, made / "cut-off.pdf")
    files.garbage_pdf(made / "garbage.pdf")
    files.report_pdf(made / "locked.pdf", encrypt="secret")
    files.scanned_pdf(made / "scan.pdf")
    env = {"RAG_WEB_ALLOW_UPLOAD": "true", "RAG_WEB_UPLOAD_TIMEOUT": "60", "RAG_WEB_AUTH": ":".join(OFFICIAL),
           "RAG_WEB_MAINTAINER_AUTH": ":".join(MAINTAINER)}
    with running_app(folder / "index", folder, "--backend", "extractive", "--corpus", str(folder / "corpus"),
                     env=env) as url, \
            chromium(url, tmp_path_factory.mktemp("chromium-profile"), folder, login=MAINTAINER) as driver:
        yield url, folder, made, driver


def table_rows(driver) -> list[list[str]]:
    """The 文档 table's rows on screen; read again when the table re-renders under the read."""
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(20):
        try:
            return [[c.text for c in row.find_elements("css selector", "[role='gridcell']")]
                    for row in driver.find_elements("css selector", "#documents-table [role='row'][data-index]")]
        except StaleElementReferenceException:
            time.sleep(0.2)
    return []


def status(driver) -> str:
    return driver.find_element("css selector", "#upload-status").text


def scope(driver) -> str:
    """The chat's scope line (in the 问答 tab, hidden while the 文档 tab is shown: its text content)."""
    return driver.find_element("css selector", "#scope").get_attribute("textContent")


def upload(driver, paths: list[Path]) -> str:
    """Chooses the files in the upload box, waits for them to reach the server, presses the button; the status
    once the upload is done."""
    box = driver.find_element("css selector", "#upload-files input[type='file']")
    box.send_keys("\n".join(str(p) for p in paths))
    names = lambda d: d.find_element("css selector", "#upload-files").text.replace("\n", "")  # noqa: E731
    try:
        wait_for(driver, lambda d: all(p.name in names(d) for p in paths), 60)
    except Exception:
        shot(driver, "upload-files-timeout")
        raise AssertionError(f"the upload box shows {names(driver)!r}") from None
    driver.find_element("css selector", "#upload-button").click()
    # The last upload's report stays until this one's first line replaces it: this one names its files.
    wait_for(driver, lambda d: f"第 {len(paths)}/{len(paths)} 份：{paths[-1].name}" in status(d)
             and ("完成：" in status(d) or "✗ 入库时" in status(d)), UPLOAD_WAIT)
    return status(driver)


def test_an_uploaded_report_is_listed_chosen_and_answers_with_its_citation(library_site):
    url, folder, made, driver = library_site
    assert "已载入 1 份文档" in driver.find_element("css selector", "#header").text
    tab(driver, "文档").click()
    wait_for(driver, lambda d: len(table_rows(d)) == 1, 30)
    assert driver.find_element("css selector", "#upload-button").is_displayed()  # the maintainer's page
    assert table_rows(driver)[0][0].startswith("2024年度中国职业教育质量报告") and table_rows(driver)[0][8] == "✓"

    good = made / f"{files.TITLE}.pdf"
    done = upload(driver, [good])
    shot(driver, "12-upload")
    assert f"✓ {good.name}：《{files.TITLE}》，2 页" in done and "索引已更新" in done, done
    assert f"（登录用户：{MAINTAINER[0]}）" in done and MAINTAINER[1] not in done
    assert "完成：加入 1 份，未收入 0 份。" in done
    wait_for(driver, lambda d: len(table_rows(d)) == 2, 30)
    row = next(r for r in table_rows(driver) if r[0] == files.TITLE)
    assert row[1] == files.ISSUER and row[2] == "质量年度报告" and row[3] == "2025" and row[5] == "2"
    assert row[-1] == good.name and (folder / "corpus" / good.name).read_bytes() == good.read_bytes()
    assert "已载入 2 份文档" in driver.find_element("css selector", "#header").text

    # Narrowed to 2025 and chosen: the chat now answers from the new report only.
    driver.find_element("css selector", "#documents-year input").click()
    option = next(o for o in driver.find_elements("css selector", "ul[role='listbox'] li[role='option']")
                  if o.text.strip().endswith("2025"))
    option.click()
    wait_for(driver, lambda d: [r[0] for r in table_rows(d)] == [files.TITLE], 30)
    driver.find_element("css selector", "#choose-shown").click()
    wait_for(driver, lambda d: "只依据所选的 1 份文档" in scope(d) and files.TITLE in scope(d), 30)
    checked = driver.find_elements("css selector", "#documents-chosen input[type='checkbox']:checked")
    assert len(checked) == 1
    shot(driver, "13-documents")
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    driver.save_screenshot(str(DOCS_SHOT))  # the guide's picture of the tab, refreshed each time it is checked

    tab(driver, "问答").click()
    answer, _ = ask(driver, files.QUESTION)
    shot(driver, "14-upload-answer")
    assert files.FIGURE in answer and "[1]" in answer, answer
    assert files.TITLE in sources(driver)
    # The national report is left out while only the new one is chosen.
    answer, _ = ask(driver, "常州联合体每年的日常运行经费是多少？")
    assert "200万元" not in answer


def test_bad_files_are_refused_by_name_and_nothing_indexed_is_lost(library_site):
    url, folder, made, driver = library_site
    tab(driver, "文档").click()
    before = sorted(p.name for p in (folder / "corpus").iterdir())
    wait_for(driver, lambda d: len(table_rows(d)) >= 1, 30)
    shown_before = len(table_rows(driver))
    bad = [made / "cut-off.pdf", made / "garbage.pdf", made / "locked.pdf", made / "scan.pdf"]
    started = time.monotonic()
    done = upload(driver, bad)
    shot(driver, "15-upload-refused")
    assert "✗ 未收入 cut-off.pdf：PDF 文件不完整" in done, done
    assert "✗ 未收入 garbage.pdf：无法读取 PDF" in done
    assert "✗ 未收入 locked.pdf：PDF 已加密" in done
    assert "✗ 未收入 scan.pdf：PDF 中没有文字层，可能是扫描件" in done
    assert "完成：加入 0 份，未收入 4 份。" in done and "Traceback" not in done and "Error" not in done
    assert time.monotonic() - started < UPLOAD_WAIT
    assert sorted(p.name for p in (folder / "corpus").iterdir()) == before
    assert len(table_rows(driver)) == shown_before

    driver.find_element("css selector", "#choose-all").click()
    wait_for(driver, lambda d: "提问范围：全部 2 份文档" in scope(d), 30)
    assert not driver.find_elements("css selector", "#documents-chosen input[type='checkbox']:checked")
    tab(driver, "问答").click()
    answer, _ = ask(driver, "常州联合体每年的日常运行经费是多少？")
    assert "200万元" in answer


def test_an_official_sees_the_documents_and_asks_but_is_offered_no_upload(library_site, tmp_path):
    """The officials' login: the same 文档 table and chat, no 添加文档 (the handler refuses it too:
    tests/test_upload_logins.py); neither password anywhere in the page or the server's log."""
    url, folder, made, _ = library_site
    with chromium(url, tmp_path / "profile", tmp_path, login=OFFICIAL) as driver:
        tab(driver, "文档").click()
        wait_for(driver, lambda d: len(table_rows(d)) >= 1, 30)
        shot(driver, "16-official-documents")
        assert not [e for e in driver.find_elements("css selector", "#upload, #upload-button, #upload-files")
                    if e.is_displayed()]
        assert "添加文档" not in driver.find_element("tag name", "body").text
        tab(driver, "问答").click()
        answer, _ = ask(driver, "常州联合体每年的日常运行经费是多少？")
        assert "200万元" in answer
        page = driver.page_source
    log = "".join(p.read_text(encoding="utf-8") for p in folder.glob("app-*.log"))
    assert "仅维护人员账号 维护" in log
    assert not any(secret in text for secret in (OFFICIAL[1], MAINTAINER[1]) for text in (page, log))


def test_documents_endpoint_for_gradio_client(library_site):
    from gradio_client import Client

    url, folder, made, _ = library_site
    records = Client(url, auth=OFFICIAL, verbose=False).predict(api_name="/documents")
    by_file = {r["source"]: r for r in records}
    assert "vocational-education-quality-report-2024-excerpt.txt" in by_file
    new = by_file.get(f"{files.TITLE}.pdf")
    assert new is not None and new["title"] == files.TITLE and new["year"] == 2025 and new["pages"] == 2
    assert new["audit"].startswith(("✓", "✗")) and isinstance(new["problems"], list)
