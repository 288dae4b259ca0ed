"""Issue 30, item 5: the page on `serve` (GET /), in a real headless Chromium
against a real `serve` subprocess over a hash-model index. Ask (Enter in the
box), the answer span highlighted, a citation opened by keyboard with its
passage highlighted and Escape closing it, a filter that matches nothing,
markup in an article shown as text, the token prompt, streaming from an LLM,
and a screenshot kept as an artefact."""

import httpx
import pytest

from helpers.browser import WAIT, chromium, save_screenshot
from helpers.common import SAMPLE_ARTICLE, TROOPS, hash_index
from helpers.llm_server import chunk, serve, stream
from helpers.serve import running_server

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"
EVIL = ("Polisi menemukan gudang senjata di Bekasi. Catatan di dinding berbunyi "
        "<script>alert(1)</script> dan <img src=x onerror=alert(2)> menurut saksi.\n\n"
        "Gudang itu disegel pada hari Senin.\n")
EVIL_NAME = "evil-2024-11-20-gudang-senjata.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return hash_index(tmp_path_factory.mktemp("web"),
                      {SAMPLE_ARTICLE.name: SAMPLE_ARTICLE.read_text(encoding="utf-8"),
                       EVIL_NAME: EVIL})


@pytest.fixture(scope="module")
def url(index):
    with running_server("--index-dir", index) as (base, _, _):
        yield base


@pytest.fixture()
def page(tmp_path):
    with chromium(tmp_path / "profile") as driver:
        yield driver
        # No script error, no CSP violation (a 400 or 401 the page shows is no error).
        errors = [e for e in driver.get_log("browser")
                  if e["level"] == "SEVERE" and e.get("source") != "network"]
        assert errors == [], errors


def wait(driver, condition, timeout: float = WAIT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def visible(selector: str):
    def check(driver):
        found = [e for e in css(driver, selector) if e.is_displayed()]
        return found[0] if found else False
    return check


def ask(driver, question: str, **filters: str) -> None:
    from selenium.webdriver.common.keys import Keys

    for name, value in filters.items():
        box = css(driver, f"#{name}")[0]
        box.clear()
        box.send_keys(value)
    box = css(driver, "#question")[0]
    box.clear()
    box.send_keys(question, Keys.ENTER)  # Enter submits
    wait(driver, lambda d: css(d, "#answer .card") and not css(d, "#ask[disabled]"))


def test_the_page_is_served_with_a_strict_policy_and_no_outside_address(url):
    r = httpx.get(url + "/", timeout=WAIT)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    texts = [r.text]
    for asset in ("/web/app.js", "/web/app.css", "/web/icon.svg"):
        got = httpx.get(url + asset, timeout=WAIT)
        assert got.status_code == 200, asset
        assert "default-src 'self'" in got.headers["content-security-policy"]
        texts.append(got.text)
    for text in texts:  # nothing from elsewhere: no address but this server's
        assert "https://" not in text and "http://" not in text.replace("http://www.w3.org", "")
    assert "innerHTML" not in texts[1] and "insertAdjacentHTML" not in texts[1]
    assert httpx.get(url + "/web/other.js", timeout=WAIT).status_code == 404


def test_ask_highlights_the_span_and_a_citation_opens_the_passage(url, page, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.get(url + "/")
    answer = css(page, "#answer")[0]
    assert answer.get_attribute("aria-live") == "polite"
    ask(page, QUESTION)
    mark = css(page, "#answer .card mark")[0]
    assert "12.000" in mark.text
    assert TROOPS in css(page, "#answer .card .sentence")[0].text
    heading = css(page, ".citation-open")[0].text
    for part in ("[1] China Korea Utara", "KOMPAS.TV, 2024-11-14", "¶3", "confidence"):
        assert part in heading, heading
    assert "high confidence" in css(page, "#answer .card .facts")[0].text
    # By keyboard alone: Tab from the question reaches the citations, Enter opens one.
    reached = None
    for _ in range(25):
        ActionChains(page).send_keys(Keys.TAB).perform()
        active = page.switch_to.active_element
        if "citation-open" in (active.get_attribute("class") or ""):
            reached = active
            break
    assert reached is not None, "no citation reachable by Tab"
    reached.send_keys(Keys.ENTER)
    passage = wait(page, visible("#article[open] #article-text mark"))
    assert TROOPS in passage.text
    assert page.switch_to.active_element == passage  # scrolled to, and focused
    assert page.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;", passage)
    assert css(page, "#article-title")[0].text == "China Korea Utara"
    assert "KOMPAS.TV" in css(page, "#article-meta")[0].text
    save_screenshot(page, tmp_path, "web-article.png")
    ActionChains(page).send_keys(Keys.ESCAPE).perform()  # Escape closes the article view
    wait(page, lambda d: not css(d, "#article[open]"))
    assert page.switch_to.active_element == reached  # focus goes back to the citation
    shot = save_screenshot(page, tmp_path, "web-answer.png")
    assert shot.stat().st_size > 10_000


def test_a_filter_that_matches_nothing_is_not_found_with_the_note(url, page):
    page.get(url + "/")
    ask(page, QUESTION, source="reuters")
    card = css(page, "#answer .card")[0].text
    assert "Not found" in card
    assert "no article matches the filters (source reuters)" in card
    assert "Only articles with source reuters" in card
    ask(page, QUESTION, source="kompas", since="2024-11-14", until="2024-11-14")
    assert "12.000" in css(page, "#answer .card mark")[0].text
    ask(page, QUESTION, source="", since="yesterday", until="")
    assert "must be a date as YYYY-MM-DD" in css(page, "#answer .card")[0].text


def test_markup_in_an_article_is_shown_as_text(url, page):
    from selenium.common.exceptions import NoAlertPresentException

    page.get(url + "/")
    ask(page, "catatan di dinding gudang senjata Bekasi")
    shown = css(page, "#answer .citations")[0]
    assert "<script>alert(1)</script>" in shown.text
    css(page, ".citation-open")[0].click()
    passage = wait(page, visible("#article[open] #article-text mark"))
    text = css(page, "#article-text")[0].text
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "<script>" in passage.text
    for where in ("#answer", "#article"):
        assert css(page, f"{where} script") == [] and css(page, f"{where} img") == []
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - no alert was opened
    assert "Gudang Senjata" in css(page, "#article-title")[0].text


def test_the_token_is_asked_for_kept_in_the_tab_and_sent(index, tmp_path):
    with running_server("--index-dir", index, "--token", "s3cret-t0ken") as (base, _, _), \
            chromium(tmp_path / "profile") as page:
        assert httpx.get(base + "/", timeout=WAIT).status_code == 200  # the page itself is open
        assert httpx.get(base + "/health", timeout=WAIT).status_code == 401
        for refused in (httpx.post(base + "/", timeout=WAIT),  # only the page's files are open
                        httpx.get(base + "/web/other.js", timeout=WAIT),
                        httpx.get(base + "/articles", timeout=WAIT)):
            assert refused.status_code == 401
        page.get(base + "/")
        field = wait(page, visible("#token"))
        assert field.get_attribute("type") == "password"
        assert page.switch_to.active_element == field
        field.send_keys("wrong\n")
        wait(page, lambda d: "refused" in css(d, "#token-error")[0].text)
        field.send_keys("s3cret-t0ken\n")
        wait(page, lambda d: not css(d, "#token-form")[0].is_displayed())
        ask(page, QUESTION)
        assert "12.000" in css(page, "#answer .card mark")[0].text
        assert page.execute_script("return sessionStorage.getItem('assistant.token')") \
            == "s3cret-t0ken"
        page.refresh()  # the same tab: no prompt again
        ask(page, QUESTION)
        assert not css(page, "#token-form")[0].is_displayed()
        assert "12.000" in css(page, "#answer .card mark")[0].text


def test_an_llm_answer_streams_in_then_the_checked_answer(index, tmp_path):
    httpd, llm = serve()
    llm.script({"events": [chunk("Korea Utara mengirim "), chunk("12.000 tentara ")],
                "stall": True},
               stream("Korea Utara mengirim 12.000 tentara ke Kursk [1]."))
    try:
        with running_server("--index-dir", index, "--llm", llm.url, "--llm-timeout", "60",
                            "--llm-first-token-timeout", "60") as (base, _, _), \
                chromium(tmp_path / "profile") as page:
            page.get(base + "/")
            css(page, "#question")[0].send_keys(QUESTION + "\n")
            # The tokens show while the model is still writing (it stalls here).
            wait(page, lambda d: any("12.000 tentara" in e.text
                                    for e in css(d, "#generated .writing")))
            assert "12.000" in css(page, "#answer .card mark")[0].text
            assert css(page, "#answer")[0].get_attribute("aria-busy") == "true"
            llm.release.set()  # the stream is cut: the extractive answer stands
            wait(page, lambda d: not css(d, "#ask[disabled]"))
            assert "12.000" in css(page, "#answer .card mark")[0].text
            ask(page, "dan ke mana mereka dikirim?")  # a follow-up, in the same conversation
            said = wait(page, visible("#generated .said"))
            assert "Korea Utara mengirim 12.000 tentara ke Kursk" in said.text
            assert css(page, "#generated .cite-ref")[0].text == "[1]"
            assert "Follow-up of: " + QUESTION in css(page, "#answer .card")[0].text
            save_screenshot(page, tmp_path, "web-llm.png")
    finally:
        llm.release.set()
        httpd.shutdown()


def test_a_page_read_by_ocr_is_cited_with_its_page(url, page):
    """A result as the server gives it for a scanned PDF (its JSON has
    "page" and "ocr": true), handed to the page in place of the server's."""
    import json

    result = {"question": "q", "found": True, "mode": "hybrid", "note": None, "context": [],
              "answer": {"text": "Banjir merendam 40 rumah.", "citation": 1, "span": [16, 18]},
              "citations": [{"n": 1, "score": 1.2, "confidence": 0.5, "text": "Banjir merendam 40 "
                             "rumah.", "paragraph": 2, "page": 3, "ocr": True, "start": 0,
                             "end": 25, "passage_id": 9, "sentence": {"start": 0, "end": 25},
                             "article": {"id": "abc", "title": "Banjir", "source": "Koran",
                                         "date": "2024-01-02", "url": None, "path": "scan.pdf"}}]}
    page.get(url + "/")
    page.execute_script(
        "const real = window.fetch; window.fetch = (path, init) => path === '/ask/stream' ?"
        " Promise.resolve(new Response(arguments[0], {headers: {'Content-Type':"
        " 'application/json'}})) : real(path, init);", json.dumps(result))
    ask(page, "berapa rumah terendam banjir")
    assert css(page, "#answer .card mark")[0].text == "40"
    assert "p. 3 (OCR) ¶2 · medium confidence (50%)" in css(page, ".citation-open")[0].text


def test_the_page_files_are_package_data():
    import tomllib

    from assistant.api.routes.web import PAGE

    from helpers.common import REPO

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["assistant.api"]
    web = REPO / "assistant" / "api" / "web"
    shipped = {p.name for pattern in patterns for p in web.parent.glob(pattern)}
    assert shipped == {p.name for p in web.iterdir()} == {name for name, _ in PAGE.values()}
