"""The Gradio page over ``rag.Assistant``: Chat, Documents and Settings tabs.

``create_app`` builds the page without launching it; ``serve`` launches it with the page's
script and style (Gradio takes those at launch). All logic lives in ``ui.chat`` and
``ui.documents``; this module only wires components to those functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

import gradio as gr

from rag import Assistant, CiteqaError, supported_suffixes
from rag.backends import BACKENDS
from ui.assets import CONFIRM_DELETE_CHAT, CONFIRM_REMOVE, CSS, JS, SCROLL_TO_HIGHLIGHT
from ui.chat import (
    ChatOptions,
    ChatSession,
    Message,
    backend_fields,
    chat_turn,
    connection_status,
    open_citation,
)
from ui.chats import chat_choices, chat_collection, restored, save_chat
from ui.collections import Collections
from ui.documents import (
    document_choices,
    documents_html,
    remove_document,
    upload_files,
)
from ui.format import sources_html, viewer_message
from ui.login_limit import LoginLimit

# Example questions about the bundled corpus, offered only when the store holds it.
EXAMPLES = [
    "Which road is used to supply food to Aleppo?",
    "When did the humanitarian window open each day in northern Aleppo?",
    "Where did the military experts' talks on Aleppo take place?",
]
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"

VIEWER_HINT = "Click a [n] marker or a cited passage to open it in its document."


def default_examples(assistant: Assistant) -> list[str]:
    """The bundled examples if the store holds a bundled report, else none (they'd mislead)."""
    bundled = {p.name for p in BUNDLED_CORPUS.glob("*") if p.is_file()}
    held = {Path(d.source).name for d in assistant.documents()}
    return EXAMPLES if bundled & held else []


def create_app(assistant: Assistant, examples: list[str] | None = None) -> gr.Blocks:
    """The page; serve it with ``serve`` (or ``.launch(css=CSS, js=JS)``).

    ``examples`` are offered on an empty chat; by default the bundled corpus's, when loaded.
    """
    examples = default_examples(assistant) if examples is None else examples
    shelf = Collections(assistant)
    settings = assistant.settings
    with gr.Blocks(title="citeqa") as app:
        with gr.Row():
            gr.Markdown(
                "## citeqa\nAnswers from your documents, each with the passage it rests on.",
            )
            collection = gr.Dropdown(
                choices=shelf.names(),
                value=shelf.default,
                allow_custom_value=True,
                label="Collection (type a new name to start one)",
                elem_id="citeqa-collection",
                scale=0,
                min_width=260,
            )
        session = gr.State(ChatSession())
        question = gr.State("")
        log = assistant.chats
        # The open chat's id, kept in the browser: a reload opens the same chat again.
        # It is only an id (the chat itself stays on the server), so the key that seals it
        # may be fixed: derived from the store, it still opens after a restart.
        chat_id = gr.BrowserState(
            "",
            storage_key="citeqa-chat-id",
            secret=hashlib.sha256(str(Path(settings.store).resolve()).encode()).hexdigest(),
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            height=480,
                            elem_id="citeqa-chat",
                            label="citeqa",
                            examples=[{"text": q} for q in examples] or None,
                        )
                        with gr.Row():
                            box = gr.Textbox(
                                placeholder="Ask a question about the documents… (Enter sends)",
                                show_label=False,
                                scale=6,
                                elem_id="citeqa-question",
                            )
                            send = gr.Button(
                                "Ask", variant="primary", scale=1, elem_id="citeqa-ask"
                            )
                        new_chat = gr.Button("New chat", size="sm", elem_id="citeqa-new-chat")
                        with gr.Accordion("Saved chats", open=False, elem_id="citeqa-saved-chats"):
                            saved = gr.Dropdown(
                                choices=chat_choices(log),
                                value=None,
                                label="Past chats (saved with the store)",
                                elem_id="citeqa-saved",
                            )
                            with gr.Row():
                                open_saved = gr.Button(
                                    "Open", size="sm", elem_id="citeqa-open-chat"
                                )
                                delete_saved = gr.Button(
                                    "Delete",
                                    size="sm",
                                    variant="stop",
                                    elem_id="citeqa-delete-chat",
                                )
                            with gr.Row():
                                new_title = gr.Textbox(
                                    placeholder="New title",
                                    show_label=False,
                                    scale=3,
                                    elem_id="citeqa-chat-title",
                                )
                                rename_saved = gr.Button(
                                    "Rename", size="sm", scale=1, elem_id="citeqa-rename-chat"
                                )
                    with gr.Column(scale=2):
                        gr.Markdown("### Source")
                        viewer = gr.HTML(
                            viewer_message(VIEWER_HINT),
                            elem_id="citeqa-viewer",
                            js_on_load=SCROLL_TO_HIGHLIGHT,
                        )
                        gr.Markdown("### Cited passages")
                        panel = gr.HTML(sources_html(None), elem_id="citeqa-sources")
                cite_key = gr.Textbox(visible="hidden", elem_id="citeqa-cite-key")
                cite_open = gr.Button("open citation", visible="hidden", elem_id="citeqa-cite-open")
            with gr.Tab("Documents", id="documents"):
                table = gr.HTML(
                    documents_html(assistant, shelf.ledger(None)), elem_id="citeqa-documents"
                )
                with gr.Row():
                    kinds = sorted(supported_suffixes())
                    files = gr.File(
                        file_count="multiple",
                        file_types=kinds,
                        label="Add files (" + ", ".join(kinds) + ")",
                        elem_id="citeqa-upload-files",
                    )
                    folder = gr.File(
                        file_count="directory",
                        label="Add a folder's files",
                        elem_id="citeqa-upload-folder",
                    )
                status = gr.Textbox(
                    label="Last action", interactive=False, elem_id="citeqa-docs-status"
                )
                with gr.Row():
                    choice = gr.Dropdown(
                        choices=document_choices(assistant, shelf.ledger(None)),
                        label="Document",
                        elem_id="citeqa-remove-choice",
                        scale=4,
                    )
                    remove = gr.Button("Remove", variant="stop", elem_id="citeqa-remove", scale=1)
            with gr.Tab("Settings", id="settings"):
                backend = gr.Radio(
                    list(BACKENDS),
                    value=settings.llm,
                    label="Answer backend",
                    elem_id="citeqa-backend",
                )
                server, local, testable = backend_fields(settings.llm)
                with gr.Row():
                    llm_url = gr.Textbox(
                        settings.llm_url or "",
                        label="Server URL",
                        elem_id="citeqa-llm-url",
                        visible=server,
                    )
                    llm_model = gr.Textbox(
                        settings.llm_model or "",
                        label="Model",
                        elem_id="citeqa-llm-model",
                        visible=server,
                    )
                    llm_gguf = gr.Textbox(
                        str(settings.llm_gguf or ""),
                        label="GGUF file (llamacpp)",
                        elem_id="citeqa-llm-gguf",
                        visible=local,
                    )
                with gr.Row(visible=testable, elem_id="citeqa-connection-row") as connection:
                    probe = gr.Button(
                        "Test connection", size="sm", elem_id="citeqa-test-connection"
                    )
                    probed = gr.Textbox(
                        show_label=False, interactive=False, elem_id="citeqa-connection", scale=4
                    )
                top_k = gr.Slider(
                    1,
                    50,
                    value=settings.top_k,
                    step=1,
                    label="Passages read (top-k)",
                    elem_id="citeqa-top-k",
                )
                show_scores = gr.Checkbox(
                    False, label="Show retrieval scores", elem_id="citeqa-show-scores"
                )
                gr.Markdown("Changes apply to the next question.")

        def shown_fields(llm: str) -> tuple[Any, ...]:
            server, local, testable = backend_fields(llm)
            return (
                gr.update(visible=server),
                gr.update(visible=server),
                gr.update(visible=local),
                gr.update(visible=testable),
                "",
            )

        backend.change(
            shown_fields,
            backend,
            [llm_url, llm_model, llm_gguf, connection, probed],
            api_visibility="private",
        )
        probe.click(
            lambda llm, url, model, gguf: connection_status(
                shelf.pool(None), ChatOptions(llm, url, model, gguf)
            ),
            [backend, llm_url, llm_model, llm_gguf],
            probed,
            api_visibility="private",
        )

        def take(message: str) -> tuple[str, str]:
            return "", message

        def respond(
            message: str,
            messages: list[Message],
            chat: ChatSession,
            current: str,
            name: str,
            llm: str,
            url: str,
            model: str,
            gguf: str,
            k: float,
            scores: bool,
        ) -> Iterator[Any]:
            if not message.strip():
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            options = ChatOptions(llm, url, model, gguf, int(k), scores)
            last = None
            try:
                pool = shelf.pool(name)
            except CiteqaError as error:
                raise gr.Error(str(error)) from error
            for last in chat_turn(pool, message, messages, chat, options):
                yield (*last, gr.skip(), gr.skip())
            if last is not None:  # the finished turn is saved with the store
                saved_id = save_chat(log, current, last[0], last[2], name)
                yield gr.skip(), gr.skip(), gr.skip(), saved_id, choices(saved_id)

        def choices(value: str | None = None) -> Any:
            return gr.update(choices=chat_choices(log), value=value or None)

        def reopened(cid: str) -> tuple[Any, ...]:
            payload = log.load(cid) if cid else None
            messages, chat = restored(payload)
            known = cid if messages else ""
            hint = viewer_message(VIEWER_HINT)
            # A saved chat opens in the collection it was asked of (its markers cite it).
            name = chat_collection(payload) if messages else None
            picked = gr.update(value=name) if name in shelf.names() else gr.skip()
            return messages, sources_html(None), chat, hint, known, choices(known), picked

        chat_outputs = [chatbot, panel, session, viewer, chat_id, saved, collection]
        # Each is followed by the Documents tab showing the collection the chat reopened in.
        on_load = app.load(reopened, chat_id, chat_outputs, api_visibility="private")
        on_open = open_saved.click(reopened, saved, chat_outputs, api_visibility="private")

        def deleted(cid: str | None, current: str) -> tuple[Any, ...]:
            if cid:
                log.delete(cid)
            if cid and cid == current:  # the open chat went: start a new one
                return reopened("")
            return (gr.skip(),) * 5 + (choices(current), gr.skip())

        delete_saved.click(
            deleted,
            [saved, chat_id],
            chat_outputs,
            api_visibility="private",
            js=CONFIRM_DELETE_CHAT,
        )

        def renamed(cid: str | None, title: str) -> tuple[Any, str]:
            if cid:
                log.rename(cid, title)
            return choices(cid), ""

        rename_saved.click(
            renamed, [saved, new_title], [saved, new_title], api_visibility="private"
        )

        # Questions are answered in parallel, up to ``concurrency`` at once over the page and
        # the API together (the models and indexes are shared, and safe to share).
        parallel: dict[str, Any] = {
            "concurrency_limit": assistant.settings.concurrency,
            "concurrency_id": "answer",
        }
        answering = {"api_visibility": "private", **parallel}
        ask_inputs = [question, chatbot, session, chat_id, collection, backend, llm_url, llm_model]
        ask_inputs += [llm_gguf, top_k, show_scores]
        ask_outputs = [chatbot, panel, session, chat_id, saved]
        for trigger in (box.submit, send.click):
            trigger(take, box, [box, question], queue=False, api_visibility="private").then(
                respond, ask_inputs, ask_outputs, **answering
            )

        def example(event: gr.SelectData) -> str:
            return str(event.value["text"])

        chatbot.example_select(
            example,
            None,
            question,
            api_visibility="private",
        ).then(respond, ask_inputs, ask_outputs, **answering)
        # A new chat starts empty; the one before stays in the saved list.
        new_chat.click(
            lambda: (*reopened(""), ""),
            None,
            [*chat_outputs, box],
            api_visibility="private",
        )
        chatbot.clear(  # the Chatbot's own bin icon: start a new chat as well
            lambda: reopened("")[1:-1],
            None,
            chat_outputs[1:-1],
            api_visibility="private",
        )
        cite_open.click(
            lambda chat, key, name: open_citation(shelf.assistant(name), chat, key),
            [session, cite_key, collection],
            viewer,
            api_visibility="private",
        )

        def refreshed(message: str, name: str | None) -> tuple[str, str, Any]:
            chosen, ledger = shelf.assistant(name), shelf.ledger(name)
            return (
                message,
                documents_html(chosen, ledger),
                gr.update(choices=document_choices(chosen, ledger), value=None),
            )

        # Gradio finds the progress bar by this default value: its documented way.
        def add(
            paths: list[str] | None,
            name: str,
            progress: Any = gr.Progress(),  # noqa: B008
        ) -> Any:
            message = upload_files(shelf.assistant(name), shelf.ledger(name), paths, progress)
            return (*refreshed(message, name), None)

        for picker in (files, folder):
            # The progress bar shows on the table only; the rest of the tab stays usable.
            picker.upload(
                add,
                [picker, collection],
                [status, table, choice, picker],
                api_visibility="private",
                show_progress_on=table,
            )

        def removed(source: str | None, name: str) -> tuple[str, str, Any, Any]:
            chosen = shelf.assistant(name)
            message = remove_document(chosen, shelf.ledger(name), source)
            if source and source not in {d.source for d in chosen.documents()}:
                # The viewer may show the removed file: it is not the library's any more.
                shown = viewer_message(f"{PurePath(source).name} was removed from the library.")
                return (*refreshed(message, name), shown)
            return (*refreshed(message, name), gr.update())

        remove.click(
            removed,
            [choice, collection],
            [status, table, choice, viewer],
            api_visibility="private",
            # Asked in the browser first; cancelling sends no document, and nothing goes.
            js=CONFIRM_REMOVE,
        )
        for reopen in (on_load, on_open):
            reopen.then(
                lambda name: refreshed("", name)[1:],
                collection,
                [table, choice],
                api_visibility="private",
            )

        def switched(name: str) -> tuple[Any, ...]:
            """Another collection: its documents, and a new chat (answers cite one collection)."""
            try:
                shelf.assistant(name)
            except CiteqaError as error:
                gr.Warning(str(error))
                return (gr.update(value=shelf.default),) + (gr.skip(),) * 9
            listed = gr.update(choices=shelf.names(), value=name)
            message = f"Collection {name}: {len(shelf.assistant(name).documents())} documents."
            return (listed, *refreshed(message, name), *reopened("")[:-1])

        collection.input(
            switched,
            collection,
            [collection, status, table, choice, *chat_outputs[:-1]],
            api_visibility="private",
        )

        def ask(question: str) -> dict[str, Any]:
            """Answer a question from the documents: text, citations with quotes, sentences."""
            try:
                return assistant.ask(question).to_dict()
            except CiteqaError as error:
                raise gr.Error(str(error)) from error

        def document(source: str) -> str:
            """The text of an ingested document (only ingested documents are served)."""
            try:
                assistant.document(source)
                return assistant.document_text(source)
            except CiteqaError as error:
                raise gr.Error(str(error)) from error

        gr.api(ask, api_name="ask", **parallel)
        gr.api(document, api_name="document")
    # Past ``queue_size`` waiting events a request is turned away at once (HTTP 503, "Queue
    # is full ... try again") instead of waiting minutes behind the others.
    app.queue(max_size=assistant.settings.queue_size)
    return app


def serve(
    app: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    block: bool = True,
    max_upload_mb: float = 50.0,
    login_attempts: int = 5,
) -> gr.Blocks:
    """Launch the page on ``host:port`` (loopback unless told otherwise); uploads over
    ``max_upload_mb`` are refused by Gradio before they reach citeqa, and with ``auth`` a
    client address gets ``login_attempts`` failed logins a minute."""
    from starlette.middleware import Middleware

    limit = Middleware(LoginLimit, attempts=login_attempts)
    app.launch(
        app_kwargs={"middleware": [limit]},
        server_name=host,
        server_port=port,
        auth=auth,
        css=CSS,
        js=JS,
        show_error=False,
        max_file_size=f"{max_upload_mb:g}mb",
        prevent_thread_lock=not block,
        quiet=not block,
    )
    return app


def launch(
    assistant: Assistant,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
) -> None:
    """Serve the page until interrupted; say where, in one line, once it is up."""
    app = serve(
        create_app(assistant),
        host=host,
        port=port,
        auth=auth,
        block=False,
        max_upload_mb=assistant.settings.max_file_mb,
        login_attempts=assistant.settings.login_attempts,
    )
    count = len(assistant.documents())
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(
        f"\nciteqa is ready: open http://{shown}:{app.server_port}/ in your browser "
        f"({count} documents; Ctrl+C stops it)\n",
        flush=True,
    )
    app.block_thread()
