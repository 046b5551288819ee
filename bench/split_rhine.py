"""Split SQuAD 2.0 "Rhine" into a fit half and a held-out half, by paragraph.

    python -m bench.split_rhine

Writes ``fit_questions.jsonl`` and ``heldout_questions.jsonl`` beside
``eval/external/squad2_rhine/questions.jsonl``. A paragraph goes to one half by a hash of
its file name, with all of its questions, so the held-out questions are about paragraphs
that nothing was fitted on. Unanswerable questions list no source; the file keeps SQuAD's
order (each paragraph's answerable questions, then its unanswerable ones), so an
unanswerable question belongs to the paragraph of the answerable question before it.

Nothing is fitted or chosen on the held-out half: ``bench.fit_reader`` reads only the fit
half, and the held-out figures are only reported.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

RHINE = Path(__file__).resolve().parent.parent / "eval" / "external" / "squad2_rhine"
FIT = RHINE / "fit_questions.jsonl"
HELDOUT = RHINE / "heldout_questions.jsonl"


def half_of(paragraph: str) -> str:
    """ "fit" or "heldout" for a paragraph file name; fixed by its SHA-256."""
    return "heldout" if hashlib.sha256(paragraph.encode()).digest()[0] % 2 else "fit"


def split_lines(lines: list[str]) -> dict[str, list[str]]:
    """The question lines of each half, in file order."""
    halves: dict[str, list[str]] = {"fit": [], "heldout": []}
    paragraph = ""
    for line in lines:
        if not line.strip():
            continue
        sources = json.loads(line)["sources"]
        if sources:
            paragraph = sources[0]
        if not paragraph:
            raise ValueError("an unanswerable question comes before any paragraph")
        halves[half_of(paragraph)].append(line)
    return halves


def main() -> None:
    lines = (RHINE / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    halves = split_lines(lines)
    for path, name in ((FIT, "fit"), (HELDOUT, "heldout")):
        path.write_text("\n".join(halves[name]) + "\n", encoding="utf-8")
        unanswerable = sum(not json.loads(line)["answerable"] for line in halves[name])
        print(f"{path.name}: {len(halves[name])} questions, {unanswerable} unanswerable")


if __name__ == "__main__":
    main()
