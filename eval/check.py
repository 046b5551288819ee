"""``citeqa eval --check-questions``: find mistakes in a question set before running it."""

from __future__ import annotations

from pathlib import Path

from eval.metrics import holds_fact
from eval.questions import Question, parse_question
from rag import EvalError


def check_questions(path: Path, corpus: Path) -> tuple[int, list[str]]:
    """(questions read, problems): one line per problem, naming file, line and field.

    Checks the schema, that each gold source exists in ``corpus``, and that every fact of an
    answerable question appears in at least one of its gold sources (catches typos).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise EvalError(f"{path}: cannot read question file ({error.strerror})") from error
    files = {p.name: p for p in sorted(corpus.rglob("*")) if p.is_file()}
    problems: list[str] = []
    seen: dict[str, int] = {}
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            question = parse_question(line, where)
        except EvalError as error:
            problems.append(str(error))
            continue
        count += 1
        if question.id in seen:
            problems.append(
                f"{where}: duplicate id '{question.id}' (first on line {seen[question.id]})"
            )
        seen.setdefault(question.id, number)
        problems.extend(_check_sources(question, where, files))
    return count, problems


def _check_sources(question: Question, where: str, files: dict[str, Path]) -> list[str]:
    problems = []
    texts = []
    for name in question.sources:
        path = files.get(Path(name).name)
        if path is None:
            problems.append(f"{where}: field 'sources': {name} is not in the corpus")
        else:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    if not question.answerable:
        if question.answers or question.sources:
            problems.append(f"{where}: an unanswerable question should have empty answers/sources")
        return problems
    if not question.sources:
        problems.append(f"{where}: field 'sources' is empty for an answerable question")
    for fact in question.answers:
        if texts and not any(holds_fact(fact, text) for text in texts):
            shown = fact if isinstance(fact, str) else " | ".join(fact)
            problems.append(f"{where}: field 'answers': '{shown}' is in none of its gold sources")
    return problems
