"""The Gradio chat page over ``rag.Assistant``. ``create_app`` builds it without launching."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from rag import Assistant, CiteqaError
from ui.format import answer_markdown, escape_markdown, sources_html

EXAMPLES = [
    "Which road is used to supply food to Aleppo?",
    "When did the humanitarian window open each day in northern Aleppo?",
    "Where did the military experts' talks on Aleppo take place?",
]

CSS = """
.citeqa-citation { margin-bottom: 0.8em; }
.citeqa-where { color: #666; font-size: 0.85em; }
.citeqa-citation blockquote { margin: 0.3em 0 0 0; padding-left: 0.6em; border-left: 3px solid #999;
}
"""


def respond(
    assistant: Assistant, message: str, history: Sequence[dict[str, Any]]
) -> tuple[str, str]:
    """One chat turn: the answer bubble and the cited-passages panel."""
    try:
        answer = assistant.chat(message, list(history))
    except CiteqaError as error:
        return escape_markdown(f"Error: {error}"), sources_html(None)
    return answer_markdown(answer), sources_html(answer)


def create_app(assistant: Assistant) -> gr.Blocks:
    """The chat page; call ``.launch()`` on it (or use ``launch``) to serve it."""
    with gr.Blocks(title="citeqa") as app:
        gr.Markdown("## citeqa\nAnswers from your documents, each with the passage it rests on.")
        with gr.Row():
            with gr.Column(scale=3):
                panel = gr.HTML(sources_html(None), render=False, elem_id="citeqa-sources")
                gr.ChatInterface(
                    fn=lambda message, history: respond(assistant, message, history),
                    chatbot=gr.Chatbot(height=480, elem_id="citeqa-chat"),
                    textbox=gr.Textbox(placeholder="Ask a question about the documents…"),
                    additional_outputs=[panel],
                    examples=EXAMPLES,
                    api_name="ask",
                )
            with gr.Column(scale=2):
                gr.Markdown("### Cited passages")
                panel.render()
    return app


def launch(assistant: Assistant, *, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the chat page until interrupted."""
    create_app(assistant).launch(server_name=host, server_port=port, css=CSS, show_error=False)
