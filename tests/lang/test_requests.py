"""lang.requests: whether a message asks a question, for a summary or for a comparison."""

from __future__ import annotations

import pytest

from lang import Request, load_analyzer
from lang.fake import FakeAnalyzer

ENGLISH = load_analyzer("en")


@pytest.mark.parametrize(
    ("message", "request_"),
    [
        (
            "Summarise the report about the Serbian chiefs of staff talks",
            Request("summary", ("report about the Serbian chiefs of staff talks",)),
        ),
        ("Summarize the SANA report.", Request("summary", ("SANA report",))),
        (
            "Give me a summary of the Geneva talks report",
            Request("summary", ("Geneva talks report",)),
        ),
        ("Summarise.", Request("summary", ())),
        (
            "Compare the July 29 TASS report with the SANA report",
            Request("comparison", ("July 29 TASS report", "SANA report")),
        ),
        (
            "Compare the Geneva report and the Damascus report.",
            Request("comparison", ("Geneva report", "Damascus report")),
        ),
        (
            "How does the SANA report differ from the TASS report about Aleppo?",
            Request("comparison", ("SANA report", "TASS report about Aleppo")),
        ),
        (
            "What is the difference between the SANA report and the July 29 TASS report?",
            Request("comparison", ("SANA report", "July 29 TASS report")),
        ),
        (
            "Contrast the two reports on humanitarian corridors",
            Request("comparison", ("two reports on humanitarian corridors",)),
        ),
        # Questions that only mention summarising or comparing ask for an answer.
        ("Who summarised the report?", Request()),
        ("What did the ministry compare?", Request()),
        ("What did Russia and Syria agree?", Request()),
    ],
)
def test_english_requests(message: str, request_: Request) -> None:
    assert ENGLISH.request(ENGLISH.analyze([message])[0]) == request_


def test_the_fake_analyzer_reads_requests_with_its_own_words() -> None:
    fake = FakeAnalyzer()
    assert fake.request(fake.analyze(["compare Brask with Vellmark"])[0]) == Request(
        "comparison", ("Brask", "Vellmark")
    )
    assert fake.request(fake.analyze(["summarise Brask"])[0]) == Request("summary", ("Brask",))
    assert fake.request(fake.analyze(["Who built the bridge?"])[0]) == Request()
