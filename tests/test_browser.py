"""The chat page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download).

Screenshots go to test-artifacts/. Without Chromium the test is skipped, except in CI (env CI set),
where a missing browser is a failure.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# `server`: a real app server of this module's own, on a copy of the bundled index.
from test_app import BRIDGE_ARTICLE, BRIDGE_MANIFEST, KILLED, XSS, server  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def unavailable(message: str) -> None:
    """Skip with the reason; in CI (env CI set) the browser test must run, so fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run the browser test")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    executable = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if not executable:
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request it makes and every dialog a script opens."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.url)
    page.wait_for_selector("#cq-question textarea", timeout=60_000)
    yield page
    outside = [url for url in page.requests if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
               and urlsplit(url).hostname not in {"127.0.0.1", "localhost"}]
    page.close()
    assert any(urlsplit(url).port == urlsplit(server.url).port for url in page.requests)   # the listener works
    assert not outside, f"the page fetched from outside: {outside}"


def ask(page, question: str) -> None:
    answers = page.locator(".cq-answer").count()
    page.fill("#cq-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.cq-answer').length > {answers}", timeout=60_000)


def test_killed_question_shows_banner_cards_and_citations(page):
    ask(page, KILLED)
    answer = page.locator(".cq-answer").last
    banner = answer.locator(".cq-banner")
    assert banner.is_visible()
    assert re.search(r"disagree", banner.inner_text(), re.IGNORECASE)
    assert answer.locator(".cq-values li").count() >= 2
    assert answer.locator(".cq-card").count() >= 4
    assert answer.locator(".cq-cite").count() >= 4
    # Banner, then summary, then the cards: top to bottom on the page.
    tops = [answer.locator(sel).first.bounding_box()["y"] for sel in (".cq-banner", ".cq-summary", ".cq-card")]
    assert tops == sorted(tops)
    banner.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)

    # A citation opens on its sentence, highlighted, among the sentences around it.
    cite = answer.locator(".cq-cite").first
    sentence = cite.locator(".cq-text").inner_text()
    context = cite.locator(".cq-context")
    assert not context.is_visible()
    cite.locator("summary").click()
    context.wait_for(state="visible")
    assert context.locator("mark.cq-hit").inner_text() == sentence
    assert len(context.inner_text()) > len(sentence)
    cite.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat-citation.png"))
    assert not page.errors, page.errors


def test_follow_up_and_history(page):
    ask(page, KILLED)
    ask(page, "and the injured?")
    assert page.locator(".cq-answer").count() == 2
    assert "How many people were injured in the January 4 strike?" in page.locator(".cq-asked").last.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-follow-up.png"), full_page=True)


def slow_answers(page, ms: int = 1500) -> None:
    """Reload the page with every request to Gradio's queue held back `ms` in the browser: an answer
    then takes that long whatever the machine, so that the test can act while it is on its way."""
    page.add_init_script("""(() => { const fetch = window.fetch;
        window.fetch = (...args) => String(args[0]).includes('/queue/join')
            ? new Promise(done => setTimeout(done, %d)).then(() => fetch(...args)) : fetch(...args); })();""" % ms)
    page.reload()
    page.wait_for_selector("#cq-question textarea", timeout=60_000)


def test_the_box_empties_when_a_question_is_sent_and_keeps_what_is_typed_while_it_is_answered(page):
    slow_answers(page)
    box = page.locator("#cq-question textarea")
    box.fill("How many people did the January 4 strike kill?")   # asked nowhere else: not answered from a cache
    page.keyboard.press("Enter")
    emptied = page.wait_for_function("""() => document.querySelector('#cq-question textarea').value === '' &&
        (document.querySelectorAll('.cq-answer').length ? 'after the answer' : 'before the answer')""", timeout=5_000)
    assert emptied.json_value() == "before the answer"   # emptied as it was sent, not when the answer came
    box.type("How many people were injured?", delay=20)
    page.wait_for_function("document.querySelectorAll('.cq-answer').length > 0", timeout=60_000)
    page.wait_for_timeout(300)
    assert box.input_value() == "How many people were injured?"   # the answer used to wipe it
    assert not page.errors, page.errors


def test_a_question_sent_while_another_is_answered_is_refused_in_words_and_kept(page):
    slow_answers(page)
    box = page.locator("#cq-question textarea")
    first = "How many people died in the strike on January 4?"
    box.fill(first)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#cq-question textarea').value === ''", timeout=5_000)
    box.fill("How many people were injured?")
    page.keyboard.press("Enter")   # the first answer is still on its way
    page.wait_for_function("(document.querySelector('#cq-waiting')?.innerText || '').includes('An answer is on its way')",
                           timeout=5_000)
    assert box.input_value() == "How many people were injured?"
    page.wait_for_function("document.querySelectorAll('.cq-answer').length > 0", timeout=60_000)
    page.wait_for_timeout(500)
    assert box.input_value() == "How many people were injured?"   # it used to vanish with the answer
    assert "on its way" not in page.locator("#cq-waiting").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.cq-answer').length > 1", timeout=60_000)
    assert [q.inner_text() for q in page.locator(".cq-question").all()] == [first, "How many people were injured?"]
    assert page.locator(".cq-answer").count() == 2 and not page.errors, page.errors


def test_the_chat_s_own_clear_button_starts_a_new_conversation(page):
    ask(page, KILLED)
    page.locator("#cq-chat button[aria-label='Clear'], #cq-chat button[title='Clear']").first.click()
    page.wait_for_function("document.querySelectorAll('.cq-answer').length === 0", timeout=10_000)
    page.wait_for_timeout(300)
    ask(page, "and the injured?")
    assert page.locator(".cq-asked").count() == 0, page.locator(".cq-asked").first.inner_text()   # a new question


def test_upload_then_markup_shows_as_characters_and_runs_nothing(page, tmp_path):
    (tmp_path / "zorvath.txt").write_text(BRIDGE_ARTICLE)
    (tmp_path / "sources.csv").write_text(BRIDGE_MANIFEST)
    page.set_input_files("#cq-upload input[type=file]", [str(tmp_path / "zorvath.txt"), str(tmp_path / "sources.csv")])
    page.click("#cq-add")
    page.wait_for_selector("#cq-report li", timeout=120_000)
    assert "added: zorvath" in page.locator("#cq-report").inner_text()
    assert "Lakeport Ledger" in page.locator("#cq-sources").inner_text()

    ask(page, f"What did the sign on the Zorvath Bridge read? {XSS}")
    answer = page.locator(".cq-answer").last
    assert XSS in page.locator(".cq-question").last.inner_text()
    assert XSS in answer.inner_text()
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(500)   # an onerror handler would have fired by now
    assert page.dialogs == []
    assert not page.errors, page.errors
    page.screenshot(path=str(ARTIFACTS / "chat-markup-as-text.png"), full_page=True)


def test_a_question_of_several_lines_shows_as_typed_and_fetches_nothing(page):
    """A blank line used to end the question's HTML block: the chat read the rest as Markdown, bold
    and a link, and the browser fetched the image from outside (the page fixture checks requests)."""
    markup = "**bold** [link](javascript:alert(1)) ![x](http://203.0.113.7/track.png)"
    ask(page, f"How many people were killed?\n\n{markup}\n\n# not a heading")
    question = page.locator(".cq-question").last
    assert markup in question.inner_text() and "# not a heading" in question.inner_text()
    user = page.locator("#cq-chat .message-row, #cq-chat .message").filter(has_text="track.png").last
    assert user.locator("strong, a, img, h1").count() == 0, user.inner_html()[:600]
    page.wait_for_timeout(500)   # an image would have been requested by now
    assert page.dialogs == [] and not page.errors, page.errors


def add_the_fire(page, tmp_path) -> None:
    """Upload the Port Elling warehouse fire (two outlets) beside the bundled airstrike (five): a
    second story. Uploaded again by a later test, its files are unchanged: either way the report ends
    with the ingest's summary line."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "eval" / "corpus"
    files = [fixture / "harbour-daily.txt", fixture / "coast-tribune.txt"]
    (tmp_path / "sources.csv").write_text("".join(
        line + "\n" for line in (fixture / "sources.csv").read_text().splitlines() if "valley-news" not in line))
    page.set_input_files("#cq-upload input[type=file]", [str(f) for f in files] + [str(tmp_path / "sources.csv")])
    page.click("#cq-add")
    page.wait_for_function("/\\d+ added, \\d+ updated/.test(document.querySelector('#cq-report')?.innerText || '')",
                           timeout=120_000)


def pick_story(page, text: str) -> None:
    """Open the Story menu and choose the entry that shows `text` (waiting for the menu to be refilled
    after an upload)."""
    page.locator("#cq-story-pick input").click()
    page.locator("#cq-story-pick li[role=option]", has_text=text).first.click()


def outlets(answer) -> set[str]:
    return {o.inner_text() for o in answer.locator(".cq-card .cq-outlet").all()}


STRIKE_OUTLETS = {"AFP", "The New York Times", "The National", "UPI", "The Washington Post"}


def test_a_story_picked_under_the_question_box_answers_every_question_there_until_changed_back(page, tmp_path):
    add_the_fire(page, tmp_path)
    # Any story: the injured of the question's own story, the airstrike.
    ask(page, "How many people were injured?")
    anywhere = page.locator(".cq-answer").last
    assert outlets(anywhere) and outlets(anywhere) <= STRIKE_OUTLETS, outlets(anywhere)
    assert page.locator(".cq-within").count() == 0

    pick_story(page, "Port Elling")
    assert "Fire destroys grain warehouse at Port Elling" in page.locator("#cq-story-pick input").input_value()
    ask(page, "How many people were injured?")
    within = page.locator(".cq-answer").last
    assert outlets(within) and outlets(within) <= {"Harbour Daily", "Coast Tribune"}, outlets(within)
    assert page.locator(".cq-within").last.inner_text() == "asked within: Fire destroys grain warehouse at Port Elling"
    # A follow-up stays within the picked story.
    ask(page, "and the firefighters?")
    assert outlets(page.locator(".cq-answer").last) <= {"Harbour Daily", "Coast Tribune"}
    assert "Port Elling" in page.locator(".cq-within").last.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-story-picked.png"), full_page=True)

    pick_story(page, "Any story")
    ask(page, "How many people were injured?")
    again = page.locator(".cq-answer").last
    assert outlets(again) and outlets(again) <= STRIKE_OUTLETS, outlets(again)
    assert page.locator(".cq-within").count() == 2   # the two questions asked within the fire
    assert not page.errors, page.errors


def test_a_hostile_story_title_shows_as_characters_in_the_story_menu_and_under_the_question(page, tmp_path):
    from test_app import QUARRY_ARTICLE, QUARRY_MANIFEST, QUARRY_TITLE

    (tmp_path / "keld-quarry.txt").write_text(QUARRY_ARTICLE)
    (tmp_path / "sources.csv").write_text(QUARRY_MANIFEST)
    page.set_input_files("#cq-upload input[type=file]", [str(tmp_path / "keld-quarry.txt"), str(tmp_path / "sources.csv")])
    page.click("#cq-add")
    page.wait_for_function("(document.querySelector('#cq-report')?.innerText || '').includes('added: keld-quarry')",
                           timeout=120_000)
    page.locator("#cq-story-pick input").click()
    entry = page.locator("#cq-story-pick li[role=option]", has_text="Keld quarry blast")
    entry.wait_for(timeout=30_000)   # the menu is refilled after the upload
    assert entry.count() == 1 and QUARRY_TITLE in entry.inner_text()
    entry.click()
    assert QUARRY_TITLE in page.locator("#cq-story-pick input").input_value()
    ask(page, "How many workers were injured?")
    assert page.locator(".cq-within").last.inner_text() == f"asked within: {QUARRY_TITLE}"
    assert outlets(page.locator(".cq-answer").last) == {"Carrick Echo"}
    assert page.locator("img[src='x']").count() == 0 and page.locator("#cq-chat strong").count() == 0
    page.wait_for_timeout(500)   # an onerror handler would have fired by now
    assert page.dialogs == [] and not page.errors, page.errors
    page.screenshot(path=str(ARTIFACTS / "chat-story-hostile-title.png"), full_page=True)


def test_an_answer_names_its_story_and_switches_to_another_it_touched(page, tmp_path):
    """Two stories in the index: the injured of the airstrike and of a warehouse fire. The answer
    is the strike's; the menu offers the fire, and choosing it answers there."""
    add_the_fire(page, tmp_path)
    # The sources panel lists the fire as a story of its own, opening on its two articles.
    fire = page.locator("#cq-sources details.cq-story", has_text="Harbour Daily")
    assert fire.count() == 1 and "2 articles" in fire.inner_text()

    ask(page, "How many people were injured?")
    answer = page.locator(".cq-answer").last
    assert "Answered within story" in answer.inner_text()
    assert answer.locator(".cq-card").count() >= 2
    assert answer.locator(".cq-card", has_text="Harbour Daily").count() == 0
    switch = page.locator("#cq-switch")
    switch.wait_for(state="visible", timeout=20_000)
    answers = page.locator(".cq-answer").count()
    switch.locator("label", has_text="Port Elling").click()
    page.wait_for_function(f"document.querySelectorAll('.cq-answer').length > {answers}", timeout=60_000)
    switched = page.locator(".cq-answer").last
    assert switched.locator(".cq-card", has_text="Harbour Daily").count() == 1, switched.inner_text()[:600]
    assert switched.locator(".cq-card", has_text="AFP").count() == 0
    assert page.locator(".cq-within").last.inner_text() == "asked within: Fire destroys grain warehouse at Port Elling"
    # The Story picker agrees: it now shows the fire, and the next question is asked there.
    assert "Fire destroys grain warehouse at Port Elling" in page.locator("#cq-story-pick input").input_value()
    page.screenshot(path=str(ARTIFACTS / "chat-story-switch.png"), full_page=True)
    ask(page, "How many people were hurt?")
    assert outlets(page.locator(".cq-answer").last) <= {"Harbour Daily", "Coast Tribune"}
    assert "Port Elling" in page.locator(".cq-within").last.inner_text()
    assert not page.errors, page.errors


def _chat_box(page) -> dict:
    return page.locator("#cq-chat").bounding_box()


def _inside(box: dict, frame: dict) -> bool:
    return box["y"] >= frame["y"] - 1 and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1


def test_at_1280x800_the_answer_opens_on_its_question_and_the_banner_stays_in_view(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url)
        page.wait_for_selector("#cq-question textarea", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "chat-empty-1280x800.png"))
        ask(page, "Who is the Pentagon spokesman?")
        ask(page, KILLED)
        page.wait_for_timeout(400)   # the scroll to the answer's start runs just after it lands
        chat_box = _chat_box(page)
        assert _inside(page.locator(".cq-question").last.bounding_box(), chat_box)   # not the last card
        banner = page.locator(".cq-banner").last
        assert _inside(banner.bounding_box(), chat_box)
        page.screenshot(path=str(ARTIFACTS / "chat-1280x800.png"))

        page.locator(".cq-answer").last.locator(".cq-card").last.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        assert _inside(banner.bounding_box(), chat_box), "the banner scrolled out of view"
        page.screenshot(path=str(ARTIFACTS / "chat-1280x800-scrolled.png"))
    finally:
        page.close()


def test_at_420px_the_question_box_takes_the_width_and_nothing_overflows(browser, server):
    page = browser.new_page(viewport={"width": 420, "height": 860})
    try:
        page.goto(server.url)
        page.wait_for_selector("#cq-question textarea", timeout=60_000)
        ask(page, KILLED)
        width = page.locator("#cq-question textarea").bounding_box()["width"]
        assert width >= 0.6 * 420, f"the question box is {width:.0f} px wide"
        assert page.evaluate("document.documentElement.scrollWidth") <= 420
        assert _inside(page.locator(".cq-banner").last.bounding_box(), _chat_box(page))
        page.screenshot(path=str(ARTIFACTS / "chat-420px.png"), full_page=True)
    finally:
        page.close()


def test_a_reloaded_page_lists_what_the_index_holds_now(page, server, tmp_path):
    import subprocess
    import sys

    (tmp_path / "quill-ferry.txt").write_text("Quill ferry sinks\n\nThe Quill ferry sank near Lakeport on Monday, "
                                              "killing four people, the coast guard said.\n")
    (tmp_path / "sources.csv").write_text("file,outlet,published\nquill-ferry.txt,Quill Courier,2024-03-05\n")
    added = subprocess.run([sys.executable, "-m", "qa.cli", "ingest", str(tmp_path), "--index", str(server.index_dir)],
                           capture_output=True, text=True, timeout=300)
    assert added.returncode == 0, added.stderr
    page.reload()
    page.wait_for_function("(document.querySelector('#cq-sources')?.innerText || '').includes('Quill Courier')",
                           timeout=60_000)


def test_the_empty_page_puts_the_question_box_under_the_how_to(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url)
        page.wait_for_selector("#cq-question textarea", timeout=60_000)
        top = page.locator("#cq-question textarea").bounding_box()["y"]
        assert top < 400, f"the question box starts {top:.0f} px down an empty page"
        page.wait_for_function("(document.querySelector('#cq-sources')?.innerText || '').includes('AFP')",
                               timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "chat-empty-1280x800.png"))
        ask(page, KILLED)
        assert page.locator("#cq-chat").bounding_box()["height"] >= 480   # full height once there is an answer
    finally:
        page.close()


def test_an_index_deleted_under_the_running_app_is_said_in_one_line_and_nothing_breaks(browser, bundled_index, tmp_path):
    from test_app import AppServer, copy_index

    app = AppServer(copy_index(bundled_index, tmp_path), tmp_path / "uploads", tmp_path / "app.log")
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        app.wait()
        page.goto(app.url)
        page.wait_for_selector("#cq-question textarea", timeout=60_000)
        shutil.rmtree(app.index_dir)
        reason = f"no index at {app.index_dir}"

        (tmp_path / "quill-ferry.txt").write_text("The Quill ferry sank near Lakeport on Monday, killing four people.\n")
        page.set_input_files("#cq-upload input[type=file]", [str(tmp_path / "quill-ferry.txt")])
        page.click("#cq-add")
        page.wait_for_selector("#cq-report li", timeout=60_000)
        assert reason in page.locator("#cq-report").inner_text()   # it was a bare "Error"
        assert reason in page.locator("#cq-sources").inner_text()

        page.reload()
        page.wait_for_function(f"(document.querySelector('#cq-sources')?.innerText || '').includes({reason!r})",
                               timeout=60_000)
        page.wait_for_timeout(1000)
        toasts = [t.inner_text() for t in page.locator(".toast-body").all()]
        assert not toasts, toasts   # the page load toasted "unable to open database file"
        page.locator("#cq-remove-pick input").click()   # no error overlay over the menu
        assert page.locator("#cq-remove-pick .error").count() == 0
        assert not page.errors, page.errors
    finally:
        page.close()
        app.stop()


def test_the_question_box_has_a_name_a_screen_reader_reads(page):
    assert page.get_by_role("textbox", name="Your question", exact=True).count() == 1
