"""eval: scores citeqa's answers on a question set, through the public ``rag`` API only."""
