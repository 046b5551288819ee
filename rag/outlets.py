"""Answers to questions about who published a report ("Which two news agencies carried ...?").

The answer is not in any sentence of the report but in its dateline ("MOSCOW, July 29
/TASS/"), so it is cited there: each outlet named in the answer points at the dateline of a
report whose passage says what the question asks about, and that passage is quoted too.
"""

from __future__ import annotations

from pathlib import Path

from rag.evidence import Evidence, Query, TextLookup, cite
from rag.types import Answer, Citation, Passage, Sentence
from store.clean import clean_text
from store.metadata import find_dateline


def answer_by_outlet(
    query: Query, scored: list[Evidence], floor: float, wanted: int, text_of: TextLookup
) -> Answer | None:
    """The outlets of the best reports on the question, each cited at its dateline.

    Args:
        query: the question.
        scored: evidence, best first.
        floor: the least evidence a report needs to be named.
        wanted: how many outlets to name at most (1 unless the question asks for several).
        text_of: raw file text by source.
    """
    chosen: list[tuple[Evidence, tuple[int, int]]] = []
    outlets: set[str] = set()
    for item in scored:
        meta = item.passage.chunk.meta
        if item.score < floor or len(chosen) >= wanted:
            break
        if not meta.outlet or meta.outlet in outlets:
            continue
        # The cleaned text, as at ingest: the dateline found is the one the outlet came from.
        dateline = find_dateline(clean_text(text_of(item.source), Path(item.source).suffix))
        if dateline is None:
            continue
        outlets.add(meta.outlet)
        chosen.append((item, (dateline.start, dateline.end)))
    if not chosen:
        return None
    return _compose(query, chosen, [e.passage for e in scored], text_of)


def _compose(
    query: Query,
    chosen: list[tuple[Evidence, tuple[int, int]]],
    passages: list[Passage],
    text_of: TextLookup,
) -> Answer:
    count = len(chosen)
    citations: list[Citation] = []
    for n, (item, (start, end)) in enumerate(chosen, start=1):
        citations.append(cite(n, item, text_of, (start, end)))
    for n, (item, _) in enumerate(chosen, start=count + 1):
        citations.append(cite(n, item, text_of))
    names = [f"{item.passage.chunk.meta.outlet} [{n}]" for n, (item, _) in enumerate(chosen, 1)]
    claim = names[0] if count == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    asked = query.spec.how_many
    if asked > count:  # "Which two agencies ...?" with one report found: say so
        claim = (
            f"The documents name only {_spelled(count)} of the {_spelled(asked)} asked for: {claim}"
        )
    quotes = [f'"{item.text}" [{n}]' for n, (item, _) in enumerate(chosen, start=count + 1)]
    answer = Answer(
        query.message,
        f"{claim}. " + " ".join(quotes),
        False,
        citations,
        passages,
        chosen[0][0].score,
    )
    answer.sentences = [
        Sentence(claim, list(range(1, count + 1)), True, 1.0, "", list(range(1, count + 1))),
        *(
            Sentence(f'"{item.text}"', [n], True, 1.0, "", [n])
            for n, (item, _) in enumerate(chosen, start=count + 1)
        ),
    ]
    return answer


_SMALL = ("no", "one", "two", "three", "four", "five")


def _spelled(number: int) -> str:
    return _SMALL[number] if number < len(_SMALL) else str(number)
