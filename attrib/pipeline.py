"""The stage order, stated once: load -> annotate -> quotes -> cues -> speakers -> stance -> identity -> claims -> graph.

Stages 1-5 are a pure function of one article and the rules (``extract`` after the
annotator). A batch run (``batch.run_batch``) streams them over a corpus (``engine``),
then runs the corpus stages on the run's store, in this order: identity, claims, the
graph and the exports (``batch.finish_run``).
"""
from __future__ import annotations

from typing import Sequence

from .cues import find_attributions
from .model import Annotated, Article, ArticleResult
from .nlp import Annotator
from .problems import Problem
from .quotes import find_quotes
from .ruleset import RuleSet
from .speakers import resolve_speakers
from .stance import find_stances

#: articles handed to the annotator at once (stanza is faster on batches)
BATCH_SIZE = 32


def extract(annotated: Annotated, rules: RuleSet) -> tuple[ArticleResult, tuple[Problem, ...]]:
    """Stages 3-5b on one annotated article: quotes, their cues, speakers and stances."""
    quotes, problems = find_quotes(annotated, rules)
    attributions = find_attributions(annotated, quotes, rules)
    resolved = resolve_speakers(annotated, attributions, rules, quotes)
    stances = find_stances(annotated, resolved, rules)  # issue 5's stance stage
    return ArticleResult(annotated.article, resolved, annotated.nlp, stances), problems


def process_articles(articles: Sequence[Article], rules: RuleSet, annotator: Annotator
                     ) -> tuple[list[ArticleResult], list[Problem]]:
    """Stages 2-5 over articles held in memory (eval, benchmarks), in batches for the annotator."""
    results: list[ArticleResult] = []
    problems: list[Problem] = []
    for i in range(0, len(articles), BATCH_SIZE):
        for annotated in annotator.annotate_many(articles[i:i + BATCH_SIZE]):
            result, probs = extract(annotated, rules)
            results.append(result)
            problems.extend(probs)
    return results, problems
