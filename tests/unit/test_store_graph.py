"""The graph written from the SQLite store (graph.write_store_graph) is byte for byte the in-memory one."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from attrib import export, rundir
from attrib.graph import records_from_run, write_store_graph
from attrib.model import (ArticleInfo, Attribution, Cue, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind,
                          Stance)
from attrib.ruleset import load_ruleset
from attrib.store import Store
from sample_speakers import ARIAN, MUJAHID

ROOT = Path(__file__).resolve().parents[2]

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
    """The GraphML of a run folder written from memory (records_from_run) and from a file-backed store."""
    records = records_from_run(rundir.read_quotes(run), rundir.read_articles(run), rundir.read_stances(run), rules)
    [memory] = export.write_graph_files(records, ["graphml"], tmp_path / "memory")
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
    records = records_from_run(rundir.read_quotes(run), rundir.read_articles(run), rundir.read_stances(run), exact)
    [memory] = export.write_graph_files(records, ["graphml"], tmp_path / "memory")
    store = Store.from_run(run)
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


def test_nodes_written_by_a_forked_process_give_the_same_bytes(tmp_path, rules):
    """With ``in_fork`` a forked process writes the nodes through a connection of its own and then runs
    ``in_fork`` (the run writes quotes.jsonl there); this process's store keeps working."""
    run = write_run(tmp_path / "run", *hand_made_run())
    memory, _ = both_graphml(run, tmp_path, rules)
    store = Store.from_run(run, tmp_path / "forked.db")
    lines = tmp_path / "quotes.jsonl"
    try:
        write_store_graph(store, rules, tmp_path / "forked.graphml",
                          in_fork=lambda: rundir.write_text_lines(lines, store.quote_lines()))
        assert (tmp_path / "forked.graphml").read_bytes() == memory
        assert lines.read_text(encoding="utf-8") == "".join(line + "\n" for line in store.quote_lines())
        assert store.db.execute("SELECT count(*) FROM quote").fetchone()[0] == store.quotes > 0
    finally:
        store.close()
    assert not (tmp_path / "forked.db").exists()


def test_two_processes_each_make_claims(tmp_path, rules):
    """``build(two_processes=True)``: the forked process and this one each make some of the claims, in files of
    their own, the forked one the speakers and the stances too (with the organisations they name), and the parts
    read back as the one-process build does, each claim with its speaker's top affiliation."""
    from attrib.claims import pool_store_claims
    from attrib.graph import _StoreBuilder

    quotes, articles, stances = hand_made_run()
    end = next(r.attribution.end for r in quotes if (r.attribution.doc_id, r.attribution.start) == ("a", 200))
    # a stance naming organisations no speaker's path holds: only the forked process makes them
    stances.append(Stance("a", 200, end, "disputes", "Chaman local administration", Span(190, 199, "denied"), 180,
                          260, "stance.rejecting-words"))
    run = write_run(tmp_path / "run", quotes, articles, stances)
    built = {}
    for two in (False, True):
        store = Store.from_run(run, tmp_path / f"store{two}.db")
        pool_store_claims(store, rules)
        builder = _StoreBuilder(store, rules)
        builder.build(two_processes=two)
        store.commit()
        if not two:
            total_claims = store.db.execute("SELECT count(*) FROM graph_node WHERE nid LIKE 'claim:%'").fetchone()[0]
        if two:
            claims = {name: store.db.execute(f"SELECT count(*) FROM {name}.graph_node WHERE nid LIKE 'claim:%'"
                                             ).fetchone()[0] for name in ("main", *builder.parts)}
            assert list(claims) == ["main", "graph_a", "graph_b"]
            # which process takes which ranges depends on timing; together they make every claim once
            assert claims["main"] == 0 and claims["graph_a"] + claims["graph_b"] == total_claims, claims
            stances = {name: store.db.execute(f"SELECT count(*) FROM {name}.graph_edge WHERE stance IS NOT NULL"
                                              ).fetchone()[0] for name in ("main", *builder.parts)}
            assert stances["main"] == stances["graph_a"] == 0 < stances["graph_b"], stances
            speakers = {name: store.db.execute(f"SELECT count(*) FROM {name}.graph_speaker").fetchone()[0]
                        for name in ("main", *builder.parts)}
            assert speakers["main"] == speakers["graph_a"] == 0 < speakers["graph_b"], speakers
        # this process knows every organisation afterwards, those only a stance names too
        built[two] = (list(builder.node_records()), list(builder.edge_records()), builder.orgs)
        nodes = dict(built[two][0])
        tops = [(a["top_affiliation"], nodes[a["speaker_id"]]["top_affiliation"]) for a in nodes.values()
                if a["type"] == "claim" and "speaker_id" in a]
        assert tops and all(top == its for top, its in tops) and any(top for top, _ in tops), tops
        files = list(builder.parts.values())
        builder.remove_parts()
        assert not any(Path(f).exists() for f in files)
        store.close()
    assert built[True] == built[False]


def test_claim_chunks_cut_where_a_claim_starts_and_turns_take_each_chunk_once(tmp_path, rules, monkeypatch):
    """``_claim_chunks`` covers ``claims_seq`` with ranges that each begin a claim (a claim's reports stay in one
    range, a quote without a speaker is a claim of its own); ``_take_claims`` makes the chunks no process took."""
    from attrib import graph
    from attrib._util import Turns
    from attrib.claims import pool_store_claims
    from attrib.graph import _StoreBuilder

    run = write_run(tmp_path / "run", *hand_made_run())
    store = Store.from_run(run, tmp_path / "store.db")
    try:
        pool_store_claims(store, rules)
        rows = store.db.execute("SELECT seq, pool, cid FROM claims_seq ORDER BY seq").fetchall()
        starts = [seq for k, (seq, pool, cid) in enumerate(rows)
                  if k == 0 or pool is None or rows[k - 1][1] is None or rows[k - 1][2] != cid]
        assert len(starts) < len(rows)  # the run has a claim of several reports: a cut inside it would be wrong
        monkeypatch.setattr(graph, "_CLAIM_CHUNKS", len(rows))  # ask for a cut at every row
        builder = _StoreBuilder(store, rules)
        chunks = builder._claim_chunks()
        assert [lo for lo, _ in chunks] == starts
        assert [hi for _, hi in chunks] == starts[1:] + [rows[-1][0] + 1]
        monkeypatch.setattr(graph, "_CLAIM_CHUNKS", 1)
        assert builder._claim_chunks() == [(1, rows[-1][0] + 1)]

        made = []
        monkeypatch.setattr(builder, "_add_claims", made.append)
        turns = Turns(len(chunks))
        turns.next.value = len(chunks) - 2  # the other process took the rest
        builder._take_claims(chunks, turns)
        assert made == chunks[-2:]
        builder._take_claims(chunks, turns)
        assert made == chunks[-2:]
    finally:
        store.close()
