"""The page's collections: separate sets of documents in one store, chosen at the top.

Each collection opened gets its assistant pool (for the chat's backend options) and its
document ledger (how its uploads fared), on first use; all share the store's models.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rag import Assistant
from ui.chat import AssistantPool
from ui.documents import DocumentLedger


@dataclass
class Collections:
    """Assistants, pools and ledgers by collection name, over one store."""

    base: Assistant
    _open: dict[str, tuple[AssistantPool, DocumentLedger]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def default(self) -> str:
        return self.base.settings.collection

    def names(self) -> list[str]:
        """The store's collections, the page's own first when it is still empty."""
        names = self.base.collections()
        return names if self.default in names else [self.default, *names]

    def pool(self, name: str | None) -> AssistantPool:
        return self._entry(name)[0]

    def ledger(self, name: str | None) -> DocumentLedger:
        return self._entry(name)[1]

    def assistant(self, name: str | None) -> Assistant:
        return self.pool(name).base

    def _entry(self, name: str | None) -> tuple[AssistantPool, DocumentLedger]:
        """``SettingsError`` (one line) for a name a collection cannot have."""
        name = name or self.default
        with self._lock:
            if name not in self._open:
                self._open[name] = (AssistantPool(self.base.collection(name)), DocumentLedger())
            return self._open[name]
