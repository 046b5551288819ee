"""ui.chat: the streaming chat turn, per-session options and opening a cited passage.

Plain Python, no browser: a real Chroma store on disk with the hashing embedder, and the
``ScriptedBackend`` fake when a generative backend is needed.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rag import Assistant, BackendError, Citation, SettingsError, load_settings
from rag.backends import ScriptedBackend
from rag.settings import Settings
from store.embedder import HashingEmbedder
from tests.llm_servers import Script, passage_number, serve, unused_port, written
from ui.chat import (
    AssistantPool,
    ChatOptions,
    ChatSession,
    Message,
    Update,
    backend_fields,
    chat_turn,
    connection_status,
    open_citation,
)
from ui.format import sources_html

DOCUMENTS = {
    "road.txt": "Castello Road closed\n\n"
    "The Castello Road is used to supply food, water and medicines to Aleppo. "
    "The road was closed by heavy fighting in July.\n",
    "talks.txt": "Talks in Geneva\n\n"
    "Staffan de Mistura said the peace talks in Geneva would resume in late August. "
    "Both delegations confirmed that they would attend the talks.\n",
}
QUESTION = "Which road is used to supply food to Aleppo?"
SUPPLY = ("The Castello Road is used to supply food to Aleppo", "Castello Road is used")
CLOSED = ("The road was closed by heavy fighting in July", "closed by heavy fighting")
INVENTED = ("The road reopened on <b>September 14</b>", "Castello Road is used")
EMPTY_SOURCES = sources_html(None)
LINK = re.compile(r'<a class="citeqa-marker" href="#citeqa-cite-(\d+)-(\d+)"')


def write_documents(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store holding DOCUMENTS, for the tests that change nothing in it."""
    root = tmp_path_factory.mktemp("chat")
    settings = load_settings(store=root / "store", abstain_threshold=0.0)
    report = Assistant.open(settings=settings, embedder=HashingEmbedder()).ingest(
        [write_documents(root / "docs")]
    )
    assert len(report.added) == len(DOCUMENTS), report.summary()
    return settings


@pytest.fixture(scope="module")
def base(settings: Settings) -> Assistant:
    return Assistant.open(settings=settings, embedder=HashingEmbedder())


@pytest.fixture
def pool(base: Assistant) -> AssistantPool:
    return AssistantPool(base)


def generative_pool(settings: Settings, reply: str | Callable[[str], str]) -> AssistantPool:
    backend = ScriptedBackend(reply, chunk=7)
    return AssistantPool(Assistant.open(settings=settings, embedder=HashingEmbedder(), llm=backend))


def backend_of(pool: AssistantPool) -> ScriptedBackend:
    backend = pool.base._backend
    assert isinstance(backend, ScriptedBackend)
    return backend


def run(
    pool: AssistantPool,
    message: str,
    messages: list[Message] | None = None,
    session: ChatSession | None = None,
    options: ChatOptions | None = None,
) -> list[Update]:
    """Every update of one turn, each copied as it was when yielded (Gradio sends each one)."""
    updates: Iterator[Update] = chat_turn(
        pool, message, messages or [], session or ChatSession(), options or ChatOptions()
    )
    return [copy.deepcopy(update) for update in updates]


def reply_of(update: Update) -> str:
    messages, _, _ = update
    assert messages[-1]["role"] == "assistant"
    return str(messages[-1]["content"])


def shown(markdown: str) -> str:
    """Escaped Markdown as the reader sees it."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def citation(n: int, source: str = "/docs/road.txt") -> Citation:
    return Citation(n, source, 22, 94, "The Castello Road is used to supply food.", 0.9)


# --- ChatSession.cited ----------------------------------------------------------------------------


@pytest.fixture
def session() -> ChatSession:
    return ChatSession(
        turns=[("q0", "a0"), ("q1", "a1")],
        citations=[[citation(1), citation(2, "/docs/talks.txt")], [citation(1, "/docs/x.txt")]],
    )


@pytest.mark.parametrize(
    ("key", "source"),
    [("0-1", "/docs/road.txt"), ("0-2", "/docs/talks.txt"), ("1-1", "/docs/x.txt")],
)
def test_cited_finds_the_citation_of_a_turn(session: ChatSession, key: str, source: str) -> None:
    found = session.cited(key)
    assert found is not None and found.source == source
    assert found.n == int(key.split("-")[1])


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "0-99",
        "2-1",  # no such turn
        "1-2",  # no such citation in that turn
        "-1-1",
        "",
        "-",
        "0-",
        "-1",
        "0",
        "0-1-2",
        " 0-1",
        "0-1\n",
        "+0-1",
        "0x0-1",
        "0-1.0",
        "²-1",  # str.isdigit() is True, int() refuses it
        "0-¹",
        "٠-١",  # Arabic-Indic digits: not ours to read
        "9" * 5000 + "-1",  # int() refuses strings this long
        "0-" + "1" * 5000,
    ],
)
def test_cited_is_none_for_any_other_key(session: ChatSession, key: str) -> None:
    assert session.cited(key) is None


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("01239-²٣ ./x\n"), max_size=12))
def test_cited_never_fails_and_finds_only_real_keys(key: str) -> None:
    session = ChatSession(citations=[[citation(1), citation(2)], [citation(1)]])
    found = session.cited(key)
    real = {"0-1": 0, "0-2": 1, "1-1": 0}
    if key in real:
        assert found == session.citations[int(key[0])][real[key]]
    elif found is not None:  # only zero-padded spellings of a real key remain, e.g. "00-01"
        turn, n = key.split("-")
        assert f"{int(turn)}-{int(n)}" in real and found.n == int(n)


def test_a_new_session_has_no_citations() -> None:
    assert ChatSession().cited("0-1") is None


# --- ChatOptions and AssistantPool ----------------------------------------------------------------


def test_options_become_settings_overrides() -> None:
    assert ChatOptions().overrides() == {
        "llm": "extractive",
        "llm_url": None,
        "llm_model": None,
        "llm_gguf": None,
        "top_k": 10,
    }
    options = ChatOptions("openai", "  http://127.0.0.1:8000/v1 ", " smollm2 ", "   ", 4, True)
    assert options.overrides() == {
        "llm": "openai",
        "llm_url": "http://127.0.0.1:8000/v1",
        "llm_model": "smollm2",
        "llm_gguf": None,
        "top_k": 4,
    }


def test_options_from_a_slider_are_whole_numbers() -> None:
    top_k = ChatOptions(top_k=4.0).overrides()["top_k"]  # type: ignore[arg-type]
    assert top_k == 4 and isinstance(top_k, int)


def test_the_pool_keeps_one_assistant_per_option_set(pool: AssistantPool) -> None:
    first = pool.get(ChatOptions(top_k=3))
    assert first.settings.top_k == 3
    assert pool.get(ChatOptions(top_k=3)) is first
    assert pool.get(ChatOptions(top_k=3, show_scores=True)) is first  # display only
    assert pool.get(ChatOptions(top_k=3, llm_url="  ")) is first  # blank is unset
    other = pool.get(ChatOptions(top_k=4))
    assert other is not first and other.settings.top_k == 4
    assert pool.base.settings.top_k == 10


def test_the_pool_configures_the_backend(pool: AssistantPool) -> None:
    assistant = pool.get(ChatOptions(llm="openai", llm_url="http://127.0.0.1:9/v1"))
    assert assistant.backend_label == "openai backend at http://127.0.0.1:9/v1 (model default)"
    assert pool.get(ChatOptions()).backend_label == "extractive answerer"


def test_the_pool_forgets_the_oldest_option_set_beyond_its_size(base: Assistant) -> None:
    pool = AssistantPool(base, size=2)
    one, two = pool.get(ChatOptions(top_k=1)), pool.get(ChatOptions(top_k=2))
    three = pool.get(ChatOptions(top_k=3))
    assert pool.get(ChatOptions(top_k=2)) is two
    assert pool.get(ChatOptions(top_k=3)) is three
    again = pool.get(ChatOptions(top_k=1))  # evicted, so configured afresh
    assert again is not one and again.settings.top_k == 1
    assert pool.get(ChatOptions(top_k=2)) is not two  # the oldest went to make room


@pytest.mark.parametrize("top_k", [0, 51])
def test_the_pool_refuses_invalid_options(pool: AssistantPool, top_k: int) -> None:
    with pytest.raises(SettingsError, match="top_k"):
        pool.get(ChatOptions(top_k=top_k))


# --- chat_turn: the extractive answerer -----------------------------------------------------------


def test_a_turn_shows_the_question_then_the_linked_answer(pool: AssistantPool) -> None:
    history: list[Message] = [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Ask about the documents."},
    ]
    before = copy.deepcopy(history)
    session = ChatSession()
    updates = run(pool, QUESTION, history, session)

    first_messages, first_sources, first_session = updates[0]
    assert first_messages == [
        *history,
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": ""},
    ]
    assert first_sources == EMPTY_SOURCES
    assert first_session == session

    messages, sources, after = updates[-1]
    assert messages[:3] == first_messages[:3]
    answer = pool.base.ask(QUESTION)
    assert answer.citations
    reply = reply_of(updates[-1])
    assert "Castello Road" in reply
    assert {(int(t), int(n)) for t, n in LINK.findall(reply)} == {
        (0, c.n) for c in answer.citations
    }
    assert re.findall(r"data-cite='([^']*)'", sources) == [f"0-{c.n}" for c in answer.citations]
    assert after.turns == [(QUESTION, answer.text)]
    assert after.citations == [answer.citations]
    assert after.cited("0-1") == answer.citations[0]
    # Nothing the caller holds was changed: Gradio keeps its own copies.
    assert history == before
    assert session == ChatSession()


def test_the_extractive_answer_arrives_in_one_piece(pool: AssistantPool) -> None:
    updates = run(pool, QUESTION)
    assert len(updates) == 3  # the question, the answer text, the verified answer
    streamed = reply_of(updates[1])
    assert shown(streamed) == pool.base.ask(QUESTION).text
    assert updates[1][1] == EMPTY_SOURCES
    assert updates[1][2] == ChatSession()


def test_scores_are_shown_when_the_session_asks(pool: AssistantPool) -> None:
    plain = run(pool, QUESTION)[-1][1]
    scored = run(pool, QUESTION, options=ChatOptions(show_scores=True))[-1][1]
    assert "citeqa-retrieval" not in plain
    assert scored.startswith(plain) and "citeqa-retrieval" in scored
    assert "<td>road.txt</td>" in scored


def test_top_k_from_the_options_is_used(pool: AssistantPool) -> None:
    scored = run(pool, QUESTION, options=ChatOptions(top_k=1, show_scores=True))[-1][1]
    assert len(re.findall(r"<tr><td>", scored)) == 1


def test_the_second_turn_links_to_its_own_citations(pool: AssistantPool) -> None:
    *_, (messages, _, session) = run(pool, QUESTION)
    second = "When would the peace talks in Geneva resume?"
    *_, (messages, sources, session) = run(pool, second, messages, session)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 2
    first_reply, second_reply = messages[1]["content"], messages[3]["content"]
    assert {t for t, _ in LINK.findall(first_reply)} == {"0"}
    assert {t for t, _ in LINK.findall(second_reply)} == {"1"}
    assert all(key.startswith("1-") for key in re.findall(r"data-cite='([^']*)'", sources))
    assert [q for q, _ in session.turns] == [QUESTION, second]
    assert len(session.citations) == 2
    talks = session.cited("1-1")
    assert talks is not None and Path(talks.source).name == "talks.txt"


def test_a_hostile_message_is_shown_as_text(pool: AssistantPool) -> None:
    message = "<img src=x onerror=alert(1)> ![x](http://evil/x.png) $x$ Which road?"
    updates = run(pool, message)
    user = updates[-1][0][0]
    assert user["role"] == "user"
    assert "<img" not in user["content"] and "![" not in user["content"]
    assert shown(user["content"]) == message


@pytest.mark.parametrize(
    ("message", "options", "error"),
    [
        ("", ChatOptions(), "Error: the question is empty"),
        ("   \n", ChatOptions(), "Error: the question is empty"),
        ("why " * 600, ChatOptions(), "Error: the question is 2399 characters long"),
        (QUESTION, ChatOptions(top_k=0), "Error: invalid setting: top\\_k"),
        (QUESTION, ChatOptions(llm="gpt"), "Error: invalid setting: llm"),
        (QUESTION, ChatOptions(llm="llamacpp", llm_gguf="/no/model.gguf"), "Error: llamacpp"),
    ],
)
def test_errors_become_an_error_message(
    pool: AssistantPool, message: str, options: ChatOptions, error: str
) -> None:
    session = ChatSession(turns=[("q", "a")], citations=[[citation(1)]])
    updates = run(pool, message, session=session, options=options)
    assert len(updates) == 2
    messages, sources, after = updates[-1]
    assert messages[-1]["content"].startswith(error)
    assert messages[-2]["role"] == "user"
    assert sources == EMPTY_SOURCES
    assert after == session, "a failed turn is not remembered"


# --- chat_turn: a streaming generative backend ----------------------------------------------------


def test_a_generative_answer_grows_then_arrives_verified(settings: Settings) -> None:
    reply = written(SUPPLY, INVENTED)
    pool = generative_pool(settings, reply)
    updates = run(pool, QUESTION)
    (prompt,) = backend_of(pool).prompts
    text = reply(prompt)

    streamed = [reply_of(u) for u in updates[1:-1]]
    assert len(streamed) == -(-len(text) // 7)  # one update per 7-character delta
    for shorter, longer in zip(["", *streamed], streamed, strict=False):
        assert longer.startswith(shorter) and len(longer) > len(shorter)
    assert shown(streamed[-1]) == text
    assert "<b>" not in streamed[-1]  # escaped while streaming too
    assert all(u[1] == EMPTY_SOURCES for u in updates[1:-1])

    final = reply_of(updates[-1])
    assert final.startswith(
        "The Castello Road is used to supply food to Aleppo. "
        '<a class="citeqa-marker" href="#citeqa-cite-0-1" title="Show source 1">[1]</a> '
        '<span class="citeqa-unsupported">**⚠ Unsupported ('
    )
    assert "The road reopened on &lt;b&gt;September 14&lt;/b&gt;." in final
    assert final.endswith("</a></span>")
    assert "data-cite='0-1'" in updates[-1][1]
    session = updates[-1][2]
    assert session.turns == [(QUESTION, pool.base.ask(QUESTION).text)]


def test_a_follow_up_is_asked_with_the_earlier_turns(settings: Settings) -> None:
    def reply(prompt: str) -> str:
        if prompt.startswith("Rewrite the follow-up"):
            return "When was the Castello Road closed?"
        return written(CLOSED if "closed?" in prompt else SUPPLY)(prompt)

    pool = generative_pool(settings, reply)
    *_, (messages, _, session) = run(pool, QUESTION)
    *_, (messages, _, session) = run(pool, "And when was it closed?", messages, session)
    condense = backend_of(pool).prompts[1]
    assert f"Earlier questions:\n- {QUESTION}\n" in condense
    assert "Follow-up question: And when was it closed?" in condense
    assert (
        backend_of(pool)
        .prompts[2]
        .endswith("Question: When was the Castello Road closed?\nAnswer:")
    )
    last = messages[-1]["content"]
    assert last.startswith("The road was closed by heavy fighting in July.")
    assert "*Understood as: When was the Castello Road closed?*" in last
    assert session.turns[1][0] == "And when was it closed?"


def test_a_failing_backend_falls_back_to_the_extractive_answer(
    settings: Settings, base: Assistant
) -> None:
    def fail(prompt: str) -> str:
        raise BackendError("scripted backend failed: connection refused")

    updates = run(generative_pool(settings, fail), QUESTION)
    final = reply_of(updates[-1])
    assert not final.startswith("Error")
    assert LINK.search(final)
    assert final.endswith(
        "*Note: scripted backend failed: connection refused; "
        "showing the extractive answer instead.*"
    )
    assert updates[-1][2].turns == [(QUESTION, base.ask(QUESTION).text)]


def test_an_error_after_streaming_replaces_the_partial_answer(
    make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    docs = write_documents(tmp_path / "docs")
    road = str(docs / "road.txt")

    def reply(prompt: str) -> str:
        generative.remove(road)  # another tab removes the file the model is quoting
        return f"{SUPPLY[0]} [{passage_number(prompt, SUPPLY[1])}]."

    settings = make_fake_assistant(abstain_threshold=0.0).settings
    backend = ScriptedBackend(reply, chunk=7)
    generative = Assistant.open(settings=settings, embedder=HashingEmbedder(), llm=backend)
    generative.ingest([docs])
    updates = run(AssistantPool(generative), QUESTION)
    assert shown(reply_of(updates[-2])).startswith(SUPPLY[0])  # it was being written
    messages, sources, session = updates[-1]
    assert messages[-1]["content"].startswith("Error: ")
    assert "road.txt is not in store" in shown(messages[-1]["content"])
    assert sources == EMPTY_SOURCES
    assert session == ChatSession()


# --- open_citation --------------------------------------------------------------------------------


def test_open_citation_shows_the_whole_file_with_the_quote_marked(
    pool: AssistantPool, base: Assistant
) -> None:
    *_, (_, _, session) = run(pool, QUESTION)
    viewed = open_citation(base, session, "0-1")
    cited = session.cited("0-1")
    assert cited is not None
    marked = re.findall(r"<mark id='citeqa-highlight'>(.*?)</mark>", viewed, re.DOTALL)
    assert [html.unescape(m) for m in marked] == [cited.quote]
    text = DOCUMENTS[Path(cited.source).name]
    (pre,) = re.findall(r"<pre class='citeqa-document-text'>(.*)</pre>", viewed, re.DOTALL)
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", pre)) == text
    assert "<strong>[1]</strong> Castello Road closed" in viewed


@pytest.mark.parametrize("key", ["0-9", "1-1", "../../etc/passwd", "/etc/passwd", "", "0-1/x"])
def test_open_citation_opens_only_this_sessions_citations(
    pool: AssistantPool, base: Assistant, key: str
) -> None:
    *_, (_, _, session) = run(pool, QUESTION)
    viewed = open_citation(base, session, key)
    assert viewed == "<p class='citeqa-empty'>That citation is not part of this conversation.</p>"
    assert "passwd" not in viewed and "<pre" not in viewed


def test_open_citation_of_a_removed_document(
    make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    assistant = make_fake_assistant(abstain_threshold=0.0)
    assistant.add_files(sorted(write_documents(tmp_path / "docs").iterdir()))
    *_, (_, _, session) = run(AssistantPool(assistant), QUESTION)
    cited = session.cited("0-1")
    assert cited is not None
    assert assistant.remove(cited.source)
    assert open_citation(assistant, session, "0-1") == (
        "<p class='citeqa-empty'>[1] is no longer in the store.</p>"
    )


def test_open_citation_of_a_document_changed_since_the_answer(
    make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    assistant = make_fake_assistant(abstain_threshold=0.0)
    assistant.add_files(sorted(write_documents(tmp_path / "docs").iterdir()))
    *_, (_, _, session) = run(AssistantPool(assistant), QUESTION)
    cited = session.cited("0-1")
    assert cited is not None

    newer = tmp_path / "newer" / Path(cited.source).name
    newer.parent.mkdir()
    newer.write_text("Headline\n\nAn unrelated first sentence. " + DOCUMENTS[newer.name])
    assert assistant.add_files([newer]).updated == [cited.source]
    viewed = open_citation(assistant, session, "0-1")
    # The old offsets now point elsewhere: highlighting them would misquote the file.
    assert viewed == (
        "<p class='citeqa-empty'>The document of [1] has changed since; ask again to cite it.</p>"
    )


@pytest.mark.parametrize(
    ("llm", "fields"),
    [
        ("extractive", (False, False, False)),
        ("openai", (True, False, True)),
        ("ollama", (True, False, True)),
        ("llamacpp", (False, True, True)),
    ],
)
def test_the_settings_show_the_fields_of_the_chosen_backend(
    llm: str, fields: tuple[bool, bool, bool]
) -> None:
    assert backend_fields(llm) == fields


@pytest.mark.parametrize("kind", ["openai", "ollama"])
def test_test_connection_reaches_a_real_server_or_says_why_not(
    pool: AssistantPool, kind: str
) -> None:
    with serve(kind, Script("OK")) as server:  # type: ignore[arg-type]
        line = connection_status(pool, ChatOptions(kind, server.url, "scripted"))
        assert line.startswith(f"Connected: {kind} backend at ") and " answered in " in line
        assert len(server.requests) == 1
    refused = f"http://127.0.0.1:{unused_port()}"
    line = connection_status(pool, ChatOptions(kind, refused, "scripted"))
    assert line.startswith("Error: ") and refused in line and "\n" not in line
    assert connection_status(pool, ChatOptions()) == (
        "The extractive answerer needs no model and no connection."
    )
