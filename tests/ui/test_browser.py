"""The chat page in a real browser: Debian's Chromium driven by Playwright.

One app is served for the module over its own store (the real model, the bundled corpus and
a hostile report), with a scripted OpenAI-compatible server on 127.0.0.1 for the generative
backend. Every test saves a screenshot under its pytest temp dir.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from tests.chromium import chromium
from tests.llm_servers import Script, ScriptedServer, passage_number, serve
from ui.app import create_app
from ui.app import serve as serve_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:::gradio"),
]


HOSTILE = """A hostile report

The Quillfeather lighthouse guards the harbour of Brask and it shows \
<script>window.__pwned = 1</script> and <img src="x" onerror="window.__pwned = 2"> \
and ![tracker](http://127.0.0.1:9/pixel.png) and ${window.__pwned = 3} and {{7*7}} \
to every ship that passes.
"""

FILLER = (
    "Paragraph {i} of the almanac of Vellmark records ordinary weather, quiet markets and "
    "the price of grain in the lower valley, with nothing of note to report."
)
UPLOADED = "\n\n".join(
    ["The Vellmark almanac"]
    + [FILLER.format(i=i) for i in range(60)]
    + ["The Zorblax bridge at Vellmark was opened to traffic on March 14, 1887."]
)


@dataclass
class Site:
    url: str
    llm: ScriptedServer
    assistant: Assistant
    uploads: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser")
    extra = root / "extra"
    extra.mkdir()
    (extra / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    uploads = root / "to-upload"
    uploads.mkdir()
    (uploads / "vellmark_almanac.txt").write_text(UPLOADED, encoding="utf-8")
    assistant = Assistant.open(root / "store")
    assistant.ingest([corpus_dir, extra])
    with pytest.MonkeyPatch.context() as patch, serve("openai") as llm:
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        app = serve_app(create_app(assistant), port=free_port(), block=False)
        try:
            yield Site(app.local_url, llm, assistant, uploads)
        finally:
            app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Any, site: Site, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs = DIALOGS[id(page)] = Dialogs()
    page.on("dialog", dialogs)
    page.goto(site.url)
    page.wait_for_selector("#citeqa-question textarea")
    try:
        yield page
    finally:
        page.screenshot(path=str(tmp_path / f"{request.node.name}.png"), full_page=True)
        context.close()
    assert not dialogs.unexpected, f"the page opened dialogs: {dialogs.unexpected}"
    DIALOGS.pop(id(page), None)


class Dialogs:
    """The page's dialogs: a confirmation a test expects is answered with ``answer``; any
    other dialog is dismissed and counted against the page."""

    def __init__(self) -> None:
        self.answer: bool | None = None
        self.confirms: list[str] = []
        self.unexpected: list[str] = []

    def __call__(self, dialog: Any) -> None:
        if dialog.type == "confirm" and self.answer is not None:
            self.confirms.append(dialog.message)
            dialog.accept() if self.answer else dialog.dismiss()
        else:
            self.unexpected.append(dialog.message)
            dialog.dismiss()


DIALOGS: dict[int, Dialogs] = {}


def expect_confirm(page: Any, answer: bool) -> Dialogs:
    """Answer the page's next confirmations with ``answer``."""
    dialogs = DIALOGS[id(page)]
    dialogs.answer = answer
    return dialogs


def bot_messages(page: Any) -> Any:
    return page.locator('#citeqa-chat [data-testid="bot"]')


def ask(page: Any, question: str, press_enter: bool = True) -> Any:
    """Ask and wait for the finished answer (the cited-passages panel is filled last)."""
    before = bot_messages(page).count()
    page.fill("#citeqa-question textarea", question)
    if press_enter:
        page.press("#citeqa-question textarea", "Enter")
    else:
        page.click("#citeqa-ask")
    page.wait_for_function(
        """(before) => {
            const bots = document.querySelectorAll('#citeqa-chat [data-testid="bot"]');
            const panel = document.querySelector('#citeqa-sources');
            return bots.length > before && panel && !panel.innerText.includes('appear here');
        }""",
        arg=before,
        timeout=60_000,
    )
    return bot_messages(page).last


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_first_load_shows_example_questions_and_tabs(page: Any) -> None:
    for name in ("Chat", "Documents", "Settings"):
        assert page.get_by_role("tab", name=name).is_visible()
    example = page.get_by_text("Which road is used to supply food to Aleppo?")
    assert example.is_visible()
    example.click()  # an example asks at once
    page.wait_for_selector("#citeqa-chat a.citeqa-marker", timeout=60_000)
    assert "Castello Road" in bot_messages(page).last.inner_text()


def test_ask_then_click_a_citation_to_see_the_highlighted_span(page: Any, site: Site) -> None:
    answer = ask(page, "Which road is used to supply food to Aleppo?")
    assert "Castello Road" in answer.inner_text()
    markers = answer.locator("a.citeqa-marker")
    assert markers.count() >= 1 and markers.first.inner_text() == "[1]"
    cited = page.locator("#citeqa-sources .citeqa-citation").first
    assert "score" in cited.inner_text() and "TASS" in cited.inner_text()
    markers.first.click()
    mark = page.locator("#citeqa-viewer mark#citeqa-highlight")
    mark.wait_for(timeout=15_000)
    assert (
        mark.inner_text()
        == "The Castello Road is used to supply food, water and medicines to Aleppo."
    )
    head = page.locator("#citeqa-viewer .citeqa-document-head").inner_text()
    assert "TASS" in head and "August 12" in head
    assert mark.is_visible()


def test_follow_up_keeps_context_and_new_chat_clears_it(page: Any) -> None:
    ask(page, "How many people have fled besieged Aleppo via the safe corridors?")
    follow = ask(page, "And how many of them were militants?")
    assert "90" in follow.inner_text()
    assert bot_messages(page).count() == 2
    page.click("#citeqa-new-chat")
    page.wait_for_function(
        "() => document.querySelectorAll('#citeqa-chat [data-testid=\"bot\"]').length === 0"
    )
    assert "appear here" in page.inner_text("#citeqa-sources")
    lone = ask(page, "And how many of them were militants?", press_enter=False)
    assert "Understood as" not in lone.inner_text()  # nothing left to lean on


def test_upload_a_file_ask_about_it_then_remove_it(page: Any, site: Site) -> None:
    open_tab(page, "Documents")
    assert page.locator("#citeqa-documents .citeqa-doc-row").count() == 6
    page.evaluate(
        """() => {
            window.__progressSeen = false;
            new MutationObserver(() => {
                if (document.querySelector('.progress-level, .progress-bar, .eta-bar'))
                    window.__progressSeen = true;
            }).observe(document.body, { childList: true, subtree: true, attributes: true });
        }"""
    )
    page.set_input_files(
        "#citeqa-upload-files input[type=file]", str(site.uploads / "vellmark_almanac.txt")
    )
    page.wait_for_function(
        "() => document.querySelector('#citeqa-docs-status textarea').value.includes('1 added')",
        timeout=60_000,
    )
    assert page.evaluate("window.__progressSeen") is True
    row = page.locator("#citeqa-documents .citeqa-doc-row", has_text="vellmark_almanac.txt")
    assert "indexed" in row.inner_text()

    open_tab(page, "Chat")
    answer = ask(page, "When was the Zorblax bridge at Vellmark opened?")
    assert "1887" in answer.inner_text()
    answer.locator("a.citeqa-marker").first.click()
    mark = page.locator("#citeqa-viewer mark#citeqa-highlight")
    mark.wait_for(timeout=15_000)
    assert "Zorblax bridge" in mark.inner_text()
    # The span sits at the end of a long file: the viewer scrolled to bring it into view.
    page.wait_for_function(
        "() => document.querySelector('#citeqa-viewer .citeqa-document-text').scrollTop > 0"
    )
    assert mark.is_visible()

    open_tab(page, "Documents")
    page.locator("#citeqa-remove-choice input").click()
    page.get_by_role("option", name="vellmark_almanac.txt").click()
    confirmed = expect_confirm(page, True)
    page.click("#citeqa-remove")
    page.wait_for_function(
        "() => document.querySelector('#citeqa-docs-status textarea').value.startsWith('Removed')"
    )
    assert page.locator("#citeqa-documents .citeqa-doc-row", has_text="vellmark").count() == 0
    assert confirmed.confirms == ["Remove vellmark_almanac.txt from the store?"]
    open_tab(page, "Chat")
    # The viewer showed the removed file; it no longer does.
    viewer = page.locator("#citeqa-viewer")
    assert "vellmark_almanac.txt was removed" in viewer.inner_text()
    assert "Zorblax" not in viewer.inner_text()
    gone = ask(page, "When was the Zorblax bridge at Vellmark opened?")
    assert "1887" not in gone.inner_text()


def test_generative_answer_streams_and_an_unsupported_sentence_is_marked(
    page: Any, site: Site
) -> None:
    def reply(prompt: str) -> Script:
        n = passage_number(prompt, "Castello Road is used")
        text = (
            f"The Castello Road is used to supply food, water and medicines to Aleppo [{n}]. "
            f"It was paved by Roman engineers in 1999 [{n}]."
        )
        return Script(text, chunk=6, pace=0.05)

    site.llm.script(reply)
    open_tab(page, "Settings")
    page.locator("#citeqa-backend").get_by_label("openai").check()
    page.fill("#citeqa-llm-url textarea, #citeqa-llm-url input", site.llm.url)
    page.fill("#citeqa-llm-model textarea, #citeqa-llm-model input", "scripted")
    open_tab(page, "Chat")
    page.evaluate(
        """() => {
            window.__lengths = [];
            new MutationObserver(() => {
                const bots = document.querySelectorAll('#citeqa-chat [data-testid="bot"]');
                if (bots.length) window.__lengths.push(bots[bots.length - 1].innerText.length);
            }).observe(document.querySelector('#citeqa-chat'),
                       { childList: true, subtree: true, characterData: true });
        }"""
    )
    answer = ask(page, "Which road is used to supply food to Aleppo?")
    assert site.llm.requests, "the settings panel did not switch the backend"
    lengths = [n for n in page.evaluate("window.__lengths") if n > 0]
    assert len(set(lengths)) >= 3, f"the answer did not grow while streaming: {lengths}"
    flagged = answer.locator(".citeqa-unsupported")
    assert flagged.count() == 1
    assert "Unsupported" in flagged.inner_text() and "Roman engineers" in flagged.inner_text()
    colour = flagged.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert answer.locator("a.citeqa-marker").count() == 2
    assert "Roman" not in answer.locator("a.citeqa-marker").first.inner_text()


def test_a_hostile_document_renders_as_text(page: Any) -> None:
    answer = ask(page, "What does the Quillfeather lighthouse of Brask show to every ship?")
    answer.locator("a.citeqa-marker").first.click()
    page.locator("#citeqa-viewer mark#citeqa-highlight").wait_for(timeout=15_000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    for where in ("#citeqa-chat", "#citeqa-sources", "#citeqa-viewer"):
        assert page.locator(f"{where} img[src*='pixel'], {where} img[src='x']").count() == 0
        assert page.locator(f"{where} script").count() == 0
    viewer = page.inner_text("#citeqa-viewer")
    assert "<script>window.__pwned = 1</script>" in viewer
    assert "${window.__pwned = 3}" in viewer and "{{7*7}}" in viewer
    assert "![tracker](http://127.0.0.1:9/pixel.png)" in viewer


def test_crafted_keys_and_paths_read_nothing(page: Any, site: Site) -> None:
    for path in ("/etc/passwd", "../../etc/passwd", str(site.uploads / "vellmark_almanac.txt")):
        status = page.evaluate("async (p) => (await fetch('/gradio_api/file=' + p)).status", path)
        assert status in (403, 404), (path, status)
    page.evaluate(
        """() => {
            const box = document.querySelector('#citeqa-cite-key textarea, #citeqa-cite-key input');
            box.value = '../../etc/passwd';
            box.dispatchEvent(new Event('input', { bubbles: true }));
            setTimeout(() => document.querySelector('#citeqa-cite-open').click(), 50);
        }"""
    )
    page.wait_for_function(
        "() => document.querySelector('#citeqa-viewer').innerText.includes('not part of')"
    )
    assert "root:" not in page.inner_text("body")


def test_settings_apply_to_the_next_question(page: Any) -> None:
    ask(page, "Which road is used to supply food to Aleppo?")
    assert page.locator("#citeqa-sources .citeqa-retrieval").count() == 0
    open_tab(page, "Settings")
    page.locator("#citeqa-show-scores input").check()
    top_k = page.locator("#citeqa-top-k input[type=number]")
    top_k.fill("3")
    top_k.press("Enter")
    open_tab(page, "Chat")
    ask(page, "Which road is used to supply food to Aleppo?")
    table = page.locator("#citeqa-sources .citeqa-retrieval")
    assert table.count() == 1
    assert "dense" in table.inner_text() and "keyword" in table.inner_text()
    assert table.locator("tbody tr").count() == 3


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def test_remove_asks_first_and_cancelling_keeps_the_document(page: Any) -> None:
    open_tab(page, "Documents")
    rows = page.locator("#citeqa-documents .citeqa-doc-row")
    before = rows.count()
    page.locator("#citeqa-remove-choice input").click()
    page.get_by_role("option", name="003_e2a401e195530229.txt").click()
    asked = expect_confirm(page, False)
    page.click("#citeqa-remove")
    page.wait_for_function(
        "() => document.querySelector('#citeqa-docs-status textarea').value"
        ".startsWith('Nothing removed')"
    )
    assert asked.confirms == ["Remove 003_e2a401e195530229.txt from the store?"]
    assert rows.count() == before


def test_the_documents_table_reads_and_sorts(page: Any) -> None:
    open_tab(page, "Documents")
    first = page.locator("#citeqa-documents .citeqa-doc-row").first
    # A readable name: the report's title, its file name beneath.
    assert first.locator(".citeqa-doc-title").inner_text() != ""
    assert first.locator(".citeqa-doc-file").inner_text().endswith(".txt")
    assert "ready: ask about it in Chat" in first.inner_text()

    def column(n: int) -> list[str]:
        return page.locator(f"#citeqa-documents tbody tr td:nth-child({n})").all_inner_texts()

    page.click("#citeqa-documents th:has-text('chunks')")
    chunks = [int(x) for x in column(4)]
    assert chunks == sorted(chunks)
    page.click("#citeqa-documents th:has-text('chunks')")
    assert [int(x) for x in column(4)] == sorted(chunks, reverse=True)
    page.click("#citeqa-documents th:has-text('document')")
    titles = [t.splitlines()[0].lower() for t in column(1)]
    assert titles == sorted(titles)


def test_settings_show_the_chosen_backends_fields_and_test_the_connection(
    page: Any, site: Site
) -> None:
    open_tab(page, "Settings")
    url, model = page.locator("#citeqa-llm-url"), page.locator("#citeqa-llm-model")
    gguf, test = page.locator("#citeqa-llm-gguf"), page.locator("#citeqa-test-connection")
    assert not any(x.is_visible() for x in (url, model, gguf, test))  # extractive: none
    page.locator("#citeqa-backend").get_by_label("openai").check()
    url.wait_for(state="visible")
    assert model.is_visible() and test.is_visible() and not gguf.is_visible()
    site.llm.script(Script("OK"))
    page.fill("#citeqa-llm-url textarea, #citeqa-llm-url input", site.llm.url)
    page.fill("#citeqa-llm-model textarea, #citeqa-llm-model input", "scripted")
    test.click()
    status = "#citeqa-connection textarea, #citeqa-connection input"
    page.wait_for_function(
        f"() => document.querySelector('{status}').value.startsWith('Connected: openai')"
    )
    assert site.llm.requests, "the test did not reach the server"
    page.fill("#citeqa-llm-url textarea, #citeqa-llm-url input", f"http://127.0.0.1:{free_port()}")
    test.click()
    page.wait_for_function(f"() => document.querySelector('{status}').value.startsWith('Error:')")
    page.locator("#citeqa-backend").get_by_label("llamacpp").check()
    gguf.wait_for(state="visible")
    assert not url.is_visible() and not model.is_visible()
    page.locator("#citeqa-backend").get_by_label("extractive").check()
    test.wait_for(state="hidden")


def test_markers_look_like_links_and_wide_tables_scroll(page: Any) -> None:
    open_tab(page, "Settings")
    page.locator("#citeqa-show-scores input").check()
    open_tab(page, "Chat")
    answer = ask(page, "Which road is used to supply food to Aleppo?")
    marker = answer.locator("a.citeqa-marker").first
    assert "underline" in marker.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert marker.evaluate("e => getComputedStyle(e).cursor") == "pointer"
    panel = page.locator("#citeqa-sources")
    table = page.locator("#citeqa-sources .citeqa-retrieval")
    assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    right = lambda locator: locator.evaluate("e => e.getBoundingClientRect().right")  # noqa: E731
    assert right(table) <= right(panel) + 1  # the table scrolls inside its column


def test_a_quote_is_not_doubled_in_quotation_marks(page: Any) -> None:
    answer = ask(page, "Where can humanitarian corridors for peaceful convoys be opened?")
    text = answer.inner_text()
    assert '""' not in text and '"“' not in text and '”"' not in text


@pytest.mark.parametrize("width", [1400, 420])
def test_screenshots_of_every_tab(browser: Any, site: Site, width: int) -> None:
    """Each tab at a desktop and a phone width, kept in test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(site.url)
        page.wait_for_selector("#citeqa-question textarea")
        answer = ask(page, "Which road is used to supply food to Aleppo?")
        answer.locator("a.citeqa-marker").first.click()
        mark = page.locator("#citeqa-viewer mark#citeqa-highlight")
        mark.wait_for(timeout=15_000)
        page.wait_for_timeout(300)  # the scroll into view settles
        if width < 800:
            # On a phone the viewer sits below the chat; opening a citation brings it up.
            top = mark.evaluate("e => e.getBoundingClientRect().top")
            assert 0 <= top <= 900
        page.screenshot(path=str(SCREENSHOTS / f"chat-{width}.png"))
        for tab in ("Documents", "Settings"):
            open_tab(page, tab)
            page.wait_for_timeout(200)
            page.screenshot(path=str(SCREENSHOTS / f"{tab.lower()}-{width}.png"), full_page=True)
        width_of_page = page.evaluate("() => document.documentElement.scrollWidth")
        assert width_of_page <= width + 1, "the page scrolls sideways"
    finally:
        context.close()
    assert {p.name for p in SCREENSHOTS.glob(f"*-{width}.png")} == {
        f"chat-{width}.png",
        f"documents-{width}.png",
        f"settings-{width}.png",
    }


def test_a_chat_survives_a_reload_and_is_kept_in_the_saved_list(page: Any, site: Site) -> None:
    question = "Which road carries food into Aleppo?"
    ask(page, question)
    page.reload()
    page.wait_for_selector("#citeqa-question textarea")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#citeqa-chat [data-testid=\"bot\"]')]"
        ".some(b => b.innerText.includes('Castello Road'))",
        timeout=60_000,
    )
    # Its citations came back too: a marker still opens the source.
    bot_messages(page).last.locator("a.citeqa-marker").first.click()
    page.locator("#citeqa-viewer mark#citeqa-highlight").wait_for(timeout=15_000)

    page.locator("#citeqa-saved-chats").get_by_text("Saved chats").click()
    page.locator("#citeqa-saved input").click()
    option = page.get_by_role("option", name=re.compile(re.escape(question)))
    assert option.count() == 1
    option.click()
    page.fill("#citeqa-chat-title textarea, #citeqa-chat-title input", "Roads into Aleppo")
    page.click("#citeqa-rename-chat")
    page.wait_for_function(
        "() => document.querySelector('#citeqa-saved input').value.startsWith('Roads into Aleppo')",
        timeout=60_000,
    )

    page.click("#citeqa-new-chat")
    page.wait_for_function(
        "() => !document.querySelector('#citeqa-chat [data-testid=\"bot\"]')", timeout=60_000
    )
    page.locator("#citeqa-saved input").click()
    page.get_by_role("option", name=re.compile("Roads into Aleppo")).click()
    page.click("#citeqa-open-chat")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#citeqa-chat [data-testid=\"bot\"]')]"
        ".some(b => b.innerText.includes('Castello Road'))",
        timeout=60_000,
    )

    asked = expect_confirm(page, True)
    page.click("#citeqa-delete-chat")
    page.wait_for_function(
        "() => !document.querySelector('#citeqa-chat [data-testid=\"bot\"]')", timeout=60_000
    )
    assert asked.confirms == ["Delete this saved chat?"]
    assert not [c for c in site.assistant.chats.chats() if c.title == "Roads into Aleppo"]


def test_a_new_collection_keeps_its_own_documents_and_chats(page: Any, site: Site) -> None:
    picker = page.locator("#citeqa-collection input")
    picker.fill("almanacs")
    picker.press("Enter")
    open_tab(page, "Documents")
    page.wait_for_function(
        "() => document.querySelector('#citeqa-docs-status textarea').value"
        ".startsWith('Collection almanacs: 0 documents')"
    )
    assert "No documents yet" in page.locator("#citeqa-documents").inner_text()
    page.set_input_files(
        "#citeqa-upload-files input[type=file]", str(site.uploads / "vellmark_almanac.txt")
    )
    page.wait_for_function(
        "() => document.querySelector('#citeqa-docs-status textarea').value.includes('1 added')",
        timeout=60_000,
    )
    assert page.locator("#citeqa-documents .citeqa-doc-row").count() == 1
    open_tab(page, "Chat")
    answer = ask(page, "In which year did the Zorblax bridge open to traffic?")
    assert "1887" in answer.inner_text()

    picker.fill(site.assistant.settings.collection)
    picker.press("Enter")
    page.wait_for_function("() => !document.querySelector('#citeqa-chat [data-testid=\"bot\"]')")
    open_tab(page, "Documents")
    page.wait_for_function(
        "() => document.querySelectorAll('#citeqa-documents .citeqa-doc-row').length >= 6"
    )
    assert page.locator("#citeqa-documents", has_text="vellmark_almanac").count() == 0
    assert {"almanacs", site.assistant.settings.collection} <= set(site.assistant.collections())

    # The chat asked of the almanacs reopens there, with its markers working.
    open_tab(page, "Chat")
    page.locator("#citeqa-saved-chats").get_by_text("Saved chats").click()
    page.locator("#citeqa-saved input").click()
    page.get_by_role("option", name=re.compile("In which year did the Zorblax")).click()
    page.click("#citeqa-open-chat")
    page.wait_for_function(
        "() => document.querySelector('#citeqa-collection input').value === 'almanacs'"
    )
    bot_messages(page).last.locator("a.citeqa-marker").first.click()
    mark = page.locator("#citeqa-viewer mark#citeqa-highlight")
    mark.wait_for(timeout=15_000)
    assert "Zorblax" in mark.inner_text()
    open_tab(page, "Documents")  # and the Documents tab shows that collection
    page.wait_for_function(
        "() => document.querySelectorAll('#citeqa-documents .citeqa-doc-row').length === 1",
        timeout=60_000,
    )
    assert "vellmark_almanac.txt" in page.locator("#citeqa-documents").inner_text()
