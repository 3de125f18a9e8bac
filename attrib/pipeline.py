"""The stage order, stated once: load -> annotate -> quotes -> cues -> speakers -> claims -> graph.

Stages 1-5 are a pure function of one article and the rules (``process_article``);
stages 6-8 combine all articles (``run_pipeline``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .cues import find_attributions
from .documents import load_documents
from .model import Annotated, Article, ArticleResult
from .nlp import Annotator, load_annotator
from .problems import Problem
from .quotes import find_quotes
from .ruleset import RuleSet
from .speakers import resolve_speakers

#: articles handed to the annotator at once (stanza is faster on batches)
BATCH_SIZE = 32


@dataclass(frozen=True)
class RunResult:
    """What a run produced: per-article results in input order, problems, and how it ran."""

    results: tuple[ArticleResult, ...]
    problems: tuple[Problem, ...]
    nlp: str  # which annotator was used, as one line for people
    seconds: float
    chars: int


def extract(annotated: Annotated, rules: RuleSet) -> tuple[ArticleResult, tuple[Problem, ...]]:
    """Stages 3-5 on one annotated article: quotes, their cues and speakers."""
    quotes, problems = find_quotes(annotated, rules)
    attributions = find_attributions(annotated, quotes, rules)
    resolved = resolve_speakers(annotated, attributions, rules, quotes)
    return ArticleResult(annotated.article, resolved, annotated.nlp), problems


def process_articles(articles: Sequence[Article], rules: RuleSet, annotator: Annotator
                     ) -> tuple[list[ArticleResult], list[Problem]]:
    """Stages 2-5 over articles, in batches for the annotator."""
    results: list[ArticleResult] = []
    problems: list[Problem] = []
    for i in range(0, len(articles), BATCH_SIZE):
        for annotated in annotator.annotate_many(articles[i:i + BATCH_SIZE]):
            result, probs = extract(annotated, rules)
            results.append(result)
            problems.extend(probs)
    return results, problems


def run_pipeline(inputs: Sequence[str | Path], rules: RuleSet, nlp: str = "auto",
                 models_dir: str | Path | None = None, annotator: Annotator | None = None) -> RunResult:
    """Run stages 1-5 on every article the inputs name.

    Args:
        inputs: files, folders or glob patterns of articles.
        rules: the validated rules.
        nlp: "auto", "stanza" or "builtin".
        models_dir: where stanza's models are (default: $STANZA_RESOURCES_DIR or stanza's folder).
        annotator: a ready annotator (tests pass a fake); overrides ``nlp``.

    Returns:
        RunResult with the per-article results in input order.

    Raises:
        InputError: no input names an article.
        NlpUnavailableError: ``nlp="stanza"`` and stanza cannot be loaded.
    """
    t0 = time.perf_counter()
    articles, problems = load_documents(inputs)
    note = f"nlp: {annotator.name}" if annotator else ""
    if annotator is None:
        annotator, note = load_annotator(nlp, rules, models_dir)
    results, more = process_articles(articles, rules, annotator)
    return RunResult(tuple(results), tuple(problems) + tuple(more), note, time.perf_counter() - t0,
                     sum(len(a.text) for a in articles))
