"""The exceptions citeqa raises, in one place.

    CiteqaError            base class; ``str(error)`` is one line a user can act on
    ├── IngestError        a file could not be read, decoded or chunked (names the file)
    ├── StoreError         the Chroma store is missing, unreachable or unusable (names the store)
    ├── SettingsError      a setting in citeqa.toml or CITEQA_* is invalid (names the field)
    ├── QuestionError      the question is empty or malformed
    │   └── BudgetError    answering it took longer than its time budget
    ├── BackendError       a generative LLM backend failed (names the URL and model)
    └── EvalError          an eval question file is malformed (names file and line)

The CLI and UI catch ``CiteqaError`` and show its message; anything else is a bug.
"""


class CiteqaError(Exception):
    """Base class for every error citeqa raises on purpose."""


class IngestError(CiteqaError):
    """A file could not be turned into chunks."""


class StoreError(CiteqaError):
    """The vector store cannot be opened, read or written."""


class SettingsError(CiteqaError):
    """A configuration value is invalid."""


class QuestionError(CiteqaError):
    """The question cannot be asked as given."""


class BudgetError(QuestionError):
    """Answering took longer than the per-question time budget (``answer_seconds``)."""


class BackendError(CiteqaError):
    """A generative backend could not answer."""


class EvalError(CiteqaError):
    """An evaluation input is malformed."""
