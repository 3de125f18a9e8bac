"""The graph written from a run's SQLite store (export.write_store_graph) is byte for byte the one of the records
held in memory (graph.graph_from_run) and the golden file the code before issue 18 wrote."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from attrib import export, rundir
from attrib.export import write_store_graph
from attrib.graph import graph_records
from attrib.model import (ArticleInfo, Attribution, Cue, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind,
                          Stance)
from attrib.ruleset import load_ruleset
from attrib.store import Store
from sample_speakers import ARIAN, MUJAHID

ROOT = Path(__file__).resolve().parents[2]
#: the hand-made run's GraphML as the code before issue 18 wrote it, with the golden rules: claims rule or none
GOLDEN = ROOT / "fixtures" / "golden" / "hand_made"

TALIBAN = Speaker("org:taliban", "Taliban", SpeakerKind.ORGANIZATION)
# group speakers pooled with the organisation they speak for (claims' group_speaks_for_affiliation)
FIGHTERS = Speaker("group:b:1", "Taliban fighters", SpeakerKind.GROUP, affiliation="Taliban",
                   affiliation_path=("Taliban",))
MILITANTS = Speaker("group:c:1", "Taliban militants", SpeakerKind.GROUP, affiliation="Taliban")
OFFICIAL = Speaker("anon:a:1", "a senior government official", SpeakerKind.ANONYMOUS, affiliation="Afghan government")
# the same id with two records: the first in input order decides how it pools, the commonest names it
DOE = Speaker("person:jane-doe", "Jane Doe", SpeakerKind.PERSON, affiliation="Acme Corp",
              affiliation_path=("Acme Corp", "Acme Holdings"))
DOE_TOO = Speaker("person:jane-doe", "J. Doe", SpeakerKind.PERSON, role="chief executive")
# a NUL character ends SQLite's texts: such lines are read by Python
NUL = Speaker("person:nul", "Nul\x00 Name", SpeakerKind.PERSON, affiliation="Nul\x00 Corp")


def quote(doc_id: str, start: int, text: str, speaker: Speaker | None, outlet: str | None = None,
          type: QuoteType = QuoteType.DIRECT) -> ResolvedAttribution:
    end = start + len(text)
    a = Attribution(doc_id, start, end, text, type, Cue(end + 1, end + 5, "said", "say", ""),
                    Span(end + 6, end + 8, "he"), outlet, ("quote.curly-double", "cue.reporting-verbs"))
    return ResolvedAttribution(a, speaker, a.mention)


def hand_made_run() -> tuple[list[ResolvedAttribution], list[ArticleInfo], list[Stance]]:
    """Quotes (pooled, similar, unattributed, repeated), articles (one missing, one with a site) and stances."""
    q = [quote("b", 10, "“It is merely propaganda and a baseless claim,”", MUJAHID, outlet="Reuters"),
         quote("a", 100, "“it is merely propaganda and a baseless claim”", MUJAHID, outlet="Sputnik"),
         quote("a", 200, "“Afghan forces retook the market,”", OFFICIAL, outlet="Reuters"),
         quote("a", 300, "“The Islamic Emirate holds the crossing at Spin Boldak,”", TALIBAN, outlet="Twitter"),
         quote("b", 300, "“The Islamic Emirate holds the Spin Boldak crossing now,”", FIGHTERS),
         quote("c", 40, "“We hold the town,”", MILITANTS, type=QuoteType.INDIRECT),
         quote("c", 90, "“Bad\x00 bytes\x1f here.”", None),
         quote("d", 90, "“Bad\x00 bytes\x1f here.”", None),  # the same words elsewhere: a claim of its own
         quote("c", 200, "“The attack was repelled,”", ARIAN, outlet="Tolo News"),
         quote("c", 300, "“Profits are up.”", DOE),
         quote("d", 10, "“Profits are up, and so is the share price.”", DOE_TOO),
         quote("d", 50, "“Profits are up.”", DOE_TOO, outlet="Some Blog"),
         quote("d", 120, "“Nothing\x00 to add.”", NUL),
         quote("d", 150, "“Nothing to add.”", NUL)]
    articles = [ArticleInfo("a", "a.txt", "Afghan gov’t says border crossing retaken | Taliban News", 900, 4, "builtin",
                            (("outlet", "Al Jazeera"),)),
                ArticleInfo("b", "b.txt", "kayhan.ir", 500, 2, "builtin"),
                ArticleInfo("c", "c.txt", "", 400, 4, "builtin", (("url", "https://www.example.com/x"),))]
    end = {(r.attribution.doc_id, r.attribution.start): r.attribution.end for r in q}
    stances = [
        Stance("a", 100, end["a", 100], "disputes", "Kabul administration", Span(90, 99, "propaganda"), 80, 150,
               "stance.rejecting-words"),
        Stance("b", 10, end["b", 10], "disputes", None, Span(5, 9, "dismisses"), 0, 60, "stance.rejects-the-claim",
               None, None),
        Stance("c", 40, end["c", 40], "disputes", None, Span(30, 39, "dismisses the claim"), 20, 80,
               "stance.rejects-the-claim", 200, end["c", 200]),
        Stance("c", 200, end["c", 200], "disputes", "Taliban", Span(190, 199, "denied"), 180, 260,
               "stance.rejecting-words"),
        Stance("c", 200, end["c", 200], "supports", "Taliban", Span(190, 199, "confirmed"), 180, 260,
               "stance.confirmed"),
        Stance("d", 50, end["d", 50], "supports", "Jane Doe", Span(40, 49, "agreed"), 30, 70, "stance.confirmed"),
        Stance("a", 200, end["a", 200], "disputes", "Taliban", Span(190, 199, "denied"), 180, 260,
               "stance.rejecting-words"),
        Stance("c", 90, end["c", 90], "disputes", "Taliban", Span(80, 89, "denied"), 70, 120,
               "stance.rejecting-words"),  # an unattributed quote: no edge
    ]
    return q, articles, stances


def write_run(run: Path, quotes: list[ResolvedAttribution], articles: list[ArticleInfo], stances: list[Stance]) -> Path:
    run.mkdir(parents=True)
    rundir.write_lines(run / rundir.QUOTES, (rundir.quote_record(ra) for ra in quotes))
    rundir.write_lines(run / rundir.ARTICLES, (rundir.article_record(a) for a in articles))
    rundir.write_lines(run / rundir.STANCES, (rundir.stance_record(s) for s in stances))
    return run


def both_graphml(run: Path, tmp_path: Path, rules) -> tuple[bytes, bytes]:
    """The GraphML of a run folder's records held in memory (an in-memory store of them) and from a file-backed store."""
    memory_store = Store.from_records(rundir.read_quotes(run), rundir.read_articles(run), rundir.read_stances(run))
    [memory] = export.write_graph_files(graph_records(memory_store, rules), ["graphml"], tmp_path / "memory")
    memory_store.close()
    store = Store.from_run(run, tmp_path / "store.db")
    try:
        write_store_graph(store, rules, tmp_path / "store.graphml")
        store.commit()  # the store's transaction is still open for the stages after the graph
    finally:
        store.close()
    return memory.read_bytes(), (tmp_path / "store.graphml").read_bytes()


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


@pytest.fixture(scope="module")
def golden_rules():
    return load_ruleset([ROOT / "fixtures" / "golden" / "rules"], defaults=False)


def test_hand_made_run_matches_the_golden_files(tmp_path, golden_rules):
    from dataclasses import replace

    run = write_run(tmp_path / "run", *hand_made_run())
    for name in ("quotes.jsonl", "articles.jsonl", "stances.jsonl"):
        assert (run / name).read_bytes() == (GOLDEN / name).read_bytes(), name
    for golden, rules in (("rules.graphml", golden_rules), ("exact.graphml", replace(golden_rules, claims=()))):
        memory, stored = both_graphml(run, tmp_path / golden, rules)
        assert memory == stored == (GOLDEN / golden).read_bytes(), golden


def test_hand_made_run_is_byte_identical(tmp_path, rules):
    run = write_run(tmp_path / "run", *hand_made_run())
    memory, stored = both_graphml(run, tmp_path, rules)
    assert stored == memory
    # the run holds what the store path has to get right
    text = memory.decode("utf-8")
    for needle in ('source="person:zabihullah-mujahid" target="org:afghan-government"',  # a named target
                   'source="org:taliban" target="person:tareq-arian"',  # an answered quote
                   'source="person:tareq-arian" target="org:taliban"',  # disputes and supports on one pair
                   'node id="doc:d"',  # an article only the quotes name
                   'node id="outlet:tolo-news"', '<data key="top_affiliation">Afghanistan</data>'):
        assert needle in text, needle


def test_without_claims_rule_and_in_memory_store(tmp_path, rules):
    """Exact pooling only (no claims rule) and a store held in memory give the same bytes too."""
    from dataclasses import replace

    exact = replace(rules, claims=())
    run = write_run(tmp_path / "run", *hand_made_run())
    store = Store.from_run(run)
    [memory] = export.write_graph_files(graph_records(store, exact), ["graphml"], tmp_path / "memory")
    write_store_graph(store, exact, tmp_path / "store.graphml")
    write_store_graph(store, exact, tmp_path / "again.graphml")  # its tables are made anew
    store.close()
    assert (tmp_path / "store.graphml").read_bytes() == memory.read_bytes()
    assert (tmp_path / "again.graphml").read_bytes() == memory.read_bytes()


def test_empty_run(tmp_path, rules):
    run = write_run(tmp_path / "run", [], [], [])
    memory, stored = both_graphml(run, tmp_path, rules)
    assert stored == memory


def test_seeds_run_is_byte_identical(tmp_path, rules):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "attrib", "run", str(ROOT / "seeds"), "-o", str(out),
                           "--nlp", "builtin"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    memory, stored = both_graphml(out, tmp_path, rules)
    assert stored == memory
    assert stored == (out / "graph.graphml").read_bytes()


