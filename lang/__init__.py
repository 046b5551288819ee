"""lang: language analysis behind one seam (``Analyzer``), English by spaCy."""

from lang.analyzer import LANGUAGES, Analyzer, load_analyzer
from lang.types import Analysis, Request, Span, Token

__all__ = ["LANGUAGES", "Analysis", "Analyzer", "Request", "Span", "Token", "load_analyzer"]
