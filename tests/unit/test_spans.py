"""The helpers the stages share (``attrib.spans``, ``attrib.text``, the batch run's garbage-collector setting): the
fast forms must answer as the plain ones they replace."""
from __future__ import annotations

import random
import re

import pytest

from attrib.spans import indexes_where, non_decreasing, rule_regex


def test_non_decreasing_and_indexes_where() -> None:
    rnd = random.Random(1)
    for _ in range(500):
        values = [rnd.randint(0, 5) for _ in range(rnd.randint(0, 6))]
        assert non_decreasing(values) == all(a <= b for a, b in zip(values, values[1:]))
        assert indexes_where(v > 2 for v in values) == [k for k, v in enumerate(values) if v > 2]


@pytest.mark.parametrize("pattern", [r"^a+", r"^(?:ab|a)\n*", r"^[^\n]*\[x\]\s*$", r"^$", r"^\s*", r"^a|b", r"é+|$"])
def test_rule_regexes_match_as_python_re_multiline(pattern: str) -> None:
    """RE2 (issue 19) finds the non-empty spans Python's re finds (what the filters mask), in characters,
    multi-line matches included."""
    p, plain = rule_regex(pattern), re.compile(pattern, re.MULTILINE)
    rnd = random.Random(pattern)
    for _ in range(3000):
        text = "".join(rnd.choice("ab\n\n xé[]’") for _ in range(rnd.randint(0, 25)))
        assert [m.span() for m in p.finditer(text) if m.end() > m.start()] == \
            [m.span() for m in plain.finditer(text) if m.end() > m.start()], text


def test_joiners_match_as_the_lookbehind_first_pattern() -> None:
    from attrib.text import JOINERS

    plain = re.compile(r"(?<=\w)['’‘ʼ`´](?=\w)|(?<=[^\W\d_])\.(?=[^\W\d_])")
    rnd = random.Random(2)
    for _ in range(20000):
        text = "".join(rnd.choice("ab1_.'’‘ʼ`´ \n-é") for _ in range(rnd.randint(0, 15)))
        assert [m.span() for m in JOINERS.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_few_collections_raises_the_first_threshold_and_restores_it() -> None:
    import gc

    from attrib.batch import BATCH_GC_THRESHOLD, few_collections

    before = gc.get_threshold()
    with few_collections():
        assert gc.get_threshold() == (BATCH_GC_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(KeyError), few_collections():
        raise KeyError("a failing block restores the threshold too")
    assert gc.get_threshold() == before
