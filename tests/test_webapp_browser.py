"""End to end in Debian's Chromium (headless, Selenium): the local model's streamed answer, sources, follow-up;
数据一览: the figures table filtered, a row's passage, the CSV download; an English question's English page."""
from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.serve import webui

from helpers import ROOT, running_app

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
FUNDS = "常州联合体每年的日常运行经费是多少？"
ANSWER_WAIT = 240  # seconds: the local model on two busy cores, plus a follow-up rewrite

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)"),
]


@pytest.fixture(scope="module")
def site(built_index, model_path, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """app.py with the local model (the real one), on a copy of the session's index."""
    folder = tmp_path_factory.mktemp("browser")
    shutil.copytree(built_index, folder / "index")
    # The chat tests are about the model's streamed answer: numeric questions are not taken by the figures table.
    with running_app(folder / "index", folder, "--backend", "local", env={"RAG_ANSWER_FROM_FIGURES": "false"}) as url:
        yield url, folder


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    """Where Chromium saves what the page downloads (the exports)."""
    return tmp_path_factory.mktemp("downloads")


@contextlib.contextmanager
def chromium(url: str, profile: Path, downloads: Path, login: tuple[str, str] | None = None):
    """Headless Chromium on the page, its question box ready; login: first through Gradio's login form."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1400,1100", "--lang=zh-CN", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    # Headless Chromium ignores --lang for navigator.languages, which picks the page's first language: the pref sets it.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(url)
        if login:
            log_in(driver, *login)
        wait_for(driver, lambda d: d.find_elements("css selector", "#question textarea"), 60)
        yield driver
    finally:
        driver.quit()


def log_in(driver, user: str, password: str) -> None:
    """Gradio's login form: the user name, then the password and Enter (the form submits on Enter)."""
    from selenium.webdriver.common.keys import Keys

    wait_for(driver, lambda d: d.find_elements("css selector", "input[type='password']"), 60)
    name = driver.find_element("css selector", "input[type='text'], textarea:not([type='password'])")
    name.send_keys(user)
    driver.find_element("css selector", "input[type='password']").send_keys(password, Keys.ENTER)


@pytest.fixture(scope="module")
def page(site, downloads, tmp_path_factory):
    with chromium(site[0], tmp_path_factory.mktemp("chromium-profile"), downloads) as driver:
        yield driver


def wait_for(driver, condition, timeout: float):
    """Polls until condition holds; an element redrawn while it was read (the figures table redraws its rows
    as it narrows: CI once failed on a StaleElementReferenceException) counts as not yet and is read again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=[StaleElementReferenceException]).until(condition)


# How a complete answer ends (how it was answered), or a refusal begins, in either language.
DONE = [label.of(language).split("{")[0] for label in (webui.ANSWERED_BY, webui.CANNOT_ANSWER)
        for language in webui.LANGUAGES]


def answers(driver) -> list[str]:
    """Texts of the assistant messages that are complete (they end with how they were answered)."""
    from selenium.common.exceptions import StaleElementReferenceException

    try:  # the first look, then the model's pass, re-render the chat: an element read mid-update is read again
        texts = [m.text for m in driver.find_elements("css selector", "#chat [data-testid='bot']")]
    except StaleElementReferenceException:
        return answers(driver)
    return [t for t in texts if any(mark in t for mark in DONE)]


def ask(driver, question: str) -> tuple[str, bool]:
    """Types the question and presses Enter; (the final answer, whether progress showed before it)."""
    from selenium.webdriver.common.keys import Keys

    before = len(answers(driver))
    box = driver.find_element("css selector", "#question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    progressed = False
    deadline = time.monotonic() + ANSWER_WAIT
    while len(answers(driver)) <= before:
        bots = driver.find_elements("css selector", "#chat [data-testid='bot']")
        progressed |= len(bots) > before  # "正在查阅报告…" or the first sentences, before the final answer
        assert time.monotonic() < deadline, f"no answer to {question!r} after {ANSWER_WAIT}s"
        time.sleep(0.2)
    return answers(driver)[-1], progressed


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"web-{name}.png"))


def sources(driver) -> str:
    return driver.find_element("css selector", "#sources").text


def test_page_loads_nothing_from_elsewhere(page, site):
    resources = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(site[0]) for url in resources), resources
    assert len(page.find_elements("css selector", ".example")) == 5


def test_cited_answer_follow_up_and_not_covered(page):
    answer, progressed = ask(page, FUNDS)
    shot(page, "1-answer")
    assert progressed, "nothing was shown while the answer was being generated"
    assert "200万元" in answer and "[1]" in answer and "回答方式：本地模型" in answer
    card = page.find_element("css selector", "#sources #source-1")
    assert card.find_element("css selector", ".cite").text == "[1]"  # [1] in the answer is card [1]
    assert "常州" in card.text and "第71页" in card.text
    assert "200万元" in [m.text for m in card.find_elements("css selector", ".source-text mark")]
    assert "回答方式：本地模型" in page.find_element("css selector", "#backend").text

    answer, _ = ask(page, "那专项建设经费呢？")
    shot(page, "2-follow-up")
    assert "2000万元" in answer and "[1]" in answer
    assert "2000万元" in [m.text for m in page.find_elements("css selector", "#sources .source-text mark")]

    answer, _ = ask(page, "浙金院教材建设的“四化”分别指什么？")
    shot(page, "3-not-covered")
    assert "报告未涉及" in answer and "未收入当前索引" in answer
    assert "报告未涉及这个问题" in sources(page)


def test_earlier_answer_sources_feedback_and_an_example(page, site):
    first = page.find_elements("css selector", "#chat [data-testid='bot']")[0]
    first.click()  # the sources panel shows that answer's sources again; feedback is about it
    wait_for(page, lambda d: "200万元" in sources(d) and "第71页" in sources(d), 30)
    page.find_element("css selector", "#comment textarea").send_keys("核对：第71页")
    page.find_element("css selector", "#rate-wrong_figure").click()
    wait_for(page, lambda d: "数字有误" in d.find_element("css selector", "#feedback-status").text, 30)
    shot(page, "4-feedback")
    record = json.loads((site[1] / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (record["question"], record["rating"], record["comment"]) == (FUNDS, "wrong_figure", "核对：第71页")
    assert "200万元" in record["answer"] and "第71页" in record["citations"][0]["citation"]

    page.find_element("css selector", "#clear").click()
    wait_for(page, lambda d: not d.find_elements("css selector", "#chat [data-testid='bot']"), 30)
    example = page.find_elements("css selector", ".example")[0]
    question = example.text
    example.click()
    wait_for(page, lambda d: answers(d), ANSWER_WAIT)
    shot(page, "5-example")
    user = page.find_element("css selector", "#chat [data-testid='user']").text
    assert user == question and "[1]" in answers(page)[0]


def test_markup_in_a_question_is_shown_as_text_never_run(page):
    page.execute_script("window.__pwned = 0")
    question = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>常州联合体有多少家成员企业？'
    ask(page, question)
    shot(page, "6-markup")
    assert page.execute_script("return window.__pwned") == 0
    assert not page.find_elements("css selector", "#chat img[src='x'], #sources img[src='x']")
    shown = page.find_elements("css selector", "#chat [data-testid='user']")[-1].text
    assert "常州联合体有多少家成员企业" in shown


def tab(driver, label: str):
    return next(t for t in driver.find_elements("css selector", "[role='tab']") if t.text.strip() == label)


def figure_rows(driver) -> list[list[str]]:
    """The table's rows on screen (it draws only those in view: all of them once a filter has narrowed it)."""
    return [[c.text for c in row.find_elements("css selector", "[role='gridcell']")]
            for row in driver.find_elements("css selector", "#figures-table [role='row'][data-index]")]


def click_first_cell(driver, label: str) -> bool:
    row = next(r for r in driver.find_elements("css selector", "#figures-table [role='row'][data-index]")
               if r.text.startswith(label))
    row.find_elements("css selector", "[role='gridcell']")[0].click()
    return True


def shown_count(driver) -> tuple[int, int] | None:
    """(rows that match, rows in all) from the line above the table."""
    numbers = [int(n) for n in re.findall(r"\d+", driver.find_element("css selector", "#figures-count").text)]
    return (numbers[0], numbers[-1]) if numbers else None


def test_figures_table_narrows_shows_a_passage_and_exports_csv(page, downloads):
    tab(page, "数据一览").click()
    try:
        wait_for(page, lambda d: ["日常运行经费", "常州", "每年", "200万元"] in [r[:4] for r in figure_rows(d)], 30)
        shown, total = shown_count(page)
        assert shown == total > 20
        page.find_element("css selector", "#figures-query input").send_keys("经费")
        wait_for(page, lambda d: shown_count(d)[0] < total and len(figure_rows(d)) == shown_count(d)[0], 30)
        rows = wait_for(page, figure_rows, 10)
        assert "日常运行经费" in [r[0] for r in rows] and all(r[1] == "常州" for r in rows)
        shot(page, "7-figures")

        wait_for(page, lambda d: click_first_cell(d, "日常运行经费"), 10)
        passage = lambda d: d.find_element("css selector", "#figure-passage")  # noqa: E731
        wait_for(page, lambda d: "第71页起" in passage(d).text, 30)
        assert "200万元日常运行经费" in passage(page).text
        assert [m.text for m in passage(page).find_elements("css selector", ".source-text mark")] == ["200万元"]
        shot(page, "8-figure-passage")

        page.find_element("css selector", "#export-csv").click()
        saved = downloads / "数据一览.csv"
        wait_for(page, lambda d: saved.exists() and not list(downloads.glob("*.crdownload")), 30)
        lines = saved.read_bytes().decode("utf-8-sig").splitlines()
        assert lines[0].startswith("指标,所属,时期,数值") and len(lines) == len(rows) + 1  # the rows shown
        assert any(line.startswith("日常运行经费,常州,每年,200万元,2000000,元") for line in lines)
    finally:
        tab(page, "问答").click()


def examples_shown(driver) -> list[str]:
    return [e.text for e in driver.find_elements("css selector", ".example") if e.is_displayed()]


def test_an_answer_from_the_figures_table_is_shown_as_a_table(built_index, report, tmp_path_factory):
    """The figures table on (as shipped), extraction: a comparison comes back at once as a rendered table; an
    English question gets English labels and English examples, and ?lang=en opens the page in English."""
    folder = tmp_path_factory.mktemp("browser-table")
    shutil.copytree(built_index, folder / "index")
    with running_app(folder / "index", folder, "--backend", "extractive") as url, \
            chromium(url, tmp_path_factory.mktemp("chromium-profile"), folder) as driver:
        answer, _ = ask(driver, "常州联合体每年的专项建设经费比日常运行经费多多少钱？")
        shot(driver, "9-table-answer")
        cells = [c.text for c in driver.find_elements("css selector", "#chat [data-testid='bot'] table td")]
        assert "日常运行经费" in cells and "200万元" in cells and "2000万元" in cells
        assert "2000万元 − 200万元 = 1800万元" in answer and "报告数据表" in answer
        card = driver.find_element("css selector", "#sources #source-1")
        assert "第71页" in card.text and "2000万元" in [m.text for m in card.find_elements("css selector", "mark")]
        cases = [value for _, value in webui.case_choices(report.passages())]
        chinese, english = (webui.example_questions(cases, language) for language in ("zh", "en"))
        assert examples_shown(driver) == chinese and sources(driver).startswith("来源（")

        answer, _ = ask(driver, "Which two institutions lead the Jinjiang city-level industry-education consortium?")
        wait_for(driver, lambda d: examples_shown(d) == english, 30)
        shot(driver, "10-english")
        assert "Answered with: excerpts from the report" in answer and "回答方式" not in answer
        assert "泉州职业技术大学" in answer and "[1]" in answer
        assert sources(driver).startswith("Sources (1)") and "晋江" in sources(driver) and "来源（" not in sources(driver)
        assert driver.find_element("css selector", "#backend").text.startswith("Answered with:")
        assert driver.find_element("css selector", "#send").text == "Send"
        assert "Example questions" in driver.find_element("css selector", "#examples-heading").text

        ask(driver, FUNDS)  # back to Chinese: the examples follow the last question
        wait_for(driver, lambda d: examples_shown(d) == chinese, 30)
        assert driver.find_element("css selector", "#send").text == "发送"

        driver.get(f"{url}?lang=en")
        wait_for(driver, lambda d: examples_shown(d) == english, 60)
        assert sources(driver) == webui.SOURCES_HINT.en
