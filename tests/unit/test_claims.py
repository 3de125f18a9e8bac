"""Stage 6: pooling quotes of one speaker across articles into claims."""
from __future__ import annotations

import hashlib

import pytest

from attrib.claims import aggregate_claims
from attrib.ids import claim_id
from attrib.text import normalise_text
from attrib.model import (Article, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                          Speaker)
from attrib.ruleset import load_ruleset
from sample_speakers import ARIAN, MUJAHID, quotes_of



@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


def quote(doc_id: str, start: int, text: str, speaker: Speaker | None,
          type: QuoteType = QuoteType.DIRECT) -> ResolvedAttribution:
    end = start + len(text)
    a = Attribution(doc_id, start, end, text, type, Cue(end + 1, end + 5, "said", "say", "cue.reporting-verbs"),
                    Span(end + 6, end + 8, "he"), None, ("quote.curly-double", "cue.reporting-verbs"))
    return ResolvedAttribution(a, speaker, a.mention, ("speaker.pronoun",))


def article(doc_id: str, *quotes: ResolvedAttribution) -> ArticleResult:
    return ArticleResult(Article(doc_id, f"{doc_id}.txt", f"Title of {doc_id}\n\nBody."), quotes, "builtin")


def summary(claims) -> list[tuple]:
    return [(c.speaker_id, c.text, [(r.attribution.doc_id, r.attribution.start) for r in c.reports])
            for c in claims]


@pytest.mark.parametrize("text, expected", [
    ("“It is merely propaganda,” he said.", "it is merely propaganda he said"),
    ('"We will  appeal,"\n the minister said', "we will appeal the minister said"),
    ("Él está AQUÍ", "el esta aqui"),
    ("«Pas d’accord»", "pas daccord"),
    ("We don’t / don't accept it", "we dont dont accept it"),
    ("U.S. forces", "us forces"),
    ("a,b;c", "a b c"),
    ("3.5 million", "3 5 million"),
    ("STRASSE", "strasse"),
    ("“ ”", ""),
])
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


@pytest.mark.parametrize("a, b", [
    ("“It is merely propaganda,”", '"it is merely   propaganda"'),
    ("“Kabul’s forces are lying.”", "'Kabul's forces are lying'"),
    ("\"Déjà vu,\"", "“deja vu”"),
])
def test_same_statement_reported_in_two_articles_is_one_claim(rules, a, b):
    results = [article("doc-b", quote("doc-b", 40, b, MUJAHID)),
               article("doc-a", quote("doc-a", 7, a, MUJAHID))]
    claims = aggregate_claims(quotes_of(results), rules)
    assert len(claims) == 1
    (claim,) = claims
    # reports sorted by doc_id; text and type are the first report's
    assert summary(claims) == [(MUJAHID.id, a, [("doc-a", 7), ("doc-b", 40)])]
    norm = normalise_text(a)
    assert norm == normalise_text(b)
    digest = hashlib.sha1(f"{MUJAHID.id}\x1f{norm}".encode()).hexdigest()[:12]
    assert claim.id == claim_id(MUJAHID.id, norm) == f"claim:{digest}"


def test_different_speakers_same_words_are_two_claims(rules):
    text = "“The crossing is under our control.”"
    results = [article("a", quote("a", 0, text, MUJAHID)), article("b", quote("b", 0, text, ARIAN))]
    claims = aggregate_claims(quotes_of(results), rules)
    # sorted by speaker id: person:tareq-arian < person:zabihullah-mujahid
    assert summary(claims) == [(ARIAN.id, text, [("b", 0)]), (MUJAHID.id, text, [("a", 0)])]
    assert claims[0].id != claims[1].id


def test_same_speaker_different_words_are_two_claims(rules):
    results = [article("a", quote("a", 0, "“We hold the town.”", MUJAHID),
                       quote("a", 50, "“We hold the border post.”", MUJAHID))]
    claims = aggregate_claims(quotes_of(results), rules)
    assert [c.text for c in claims] == ["“We hold the town.”", "“We hold the border post.”"]
    assert len({c.id for c in claims}) == 2


def test_quotes_without_speaker_are_claims_of_their_own(rules):
    text = "“No comment.”"
    results = [article("a", quote("a", 10, text, None), quote("a", 90, text, MUJAHID)),
               article("b", quote("b", 3, text, None))]
    claims = aggregate_claims(quotes_of(results), rules)
    # attributed claims first, then each unattributed quote alone, by (doc_id, start)
    assert summary(claims) == [(MUJAHID.id, text, [("a", 90)]),
                               (None, text, [("a", 10)]),
                               (None, text, [("b", 3)])]
    assert len({c.id for c in claims}) == 3
    assert all(c.id.startswith("claim:") and len(c.id) == len("claim:") + 12 for c in claims)


def test_order_is_by_speaker_then_first_report(rules):
    results = [article("b", quote("b", 5, "“Second.”", MUJAHID), quote("b", 80, "“Arian in b.”", ARIAN)),
               article("a", quote("a", 60, "“First.”", MUJAHID), quote("a", 9, "“Zero.”", MUJAHID))]
    claims = aggregate_claims(quotes_of(results), rules)
    assert [(c.speaker_id, c.reports[0].attribution.doc_id, c.reports[0].attribution.start) for c in claims] == [
        (ARIAN.id, "b", 80), (MUJAHID.id, "a", 9), (MUJAHID.id, "a", 60), (MUJAHID.id, "b", 5)]
    assert aggregate_claims(quotes_of(list(reversed(results))), rules) == claims


def test_claim_keeps_type_of_first_report(rules):
    results = [article("a", quote("a", 0, "that it holds the town", MUJAHID, QuoteType.INDIRECT)),
               article("b", quote("b", 0, "that it holds the town", MUJAHID, QuoteType.INDIRECT))]
    (claim,) = aggregate_claims(quotes_of(results), rules)
    assert claim.type is QuoteType.INDIRECT
    assert claim.speaker_id == MUJAHID.id


def test_empty_input(rules):
    assert aggregate_claims(quotes_of([]), rules) == ()
    assert aggregate_claims(quotes_of([article("a")]), rules) == ()


def test_many_reports_of_few_statements(rules):
    results = [article(f"d{i:03}", *(quote(f"d{i:03}", j * 100, f"“Statement {j % 7}.”", MUJAHID)
                                     for j in range(20))) for i in range(50)]
    claims = aggregate_claims(quotes_of(results), rules)
    assert len(claims) == 7
    assert sum(len(c.reports) for c in claims) == 1000


# -- similar statements (re-translations, trimmed and re-punctuated reprints) --------------------------

from attrib.claims import claim_speaker_id, content_tokens, similarity  # noqa: E402
from attrib.text import normalise_quote  # noqa: E402
from attrib.model import SpeakerKind  # noqa: E402

# seeds/003 and seeds/004: two translations of Arian's words to AFP
ARIAN_003 = ("“The terrorist Taliban had some movements near the border area … The security forces have repelled "
             "the attack,”")
ARIAN_004 = "“The terrorist Taliban had some activities near the border area… The security forces repelled the attack,”"


@pytest.mark.parametrize("a, b", [
    (ARIAN_003, ARIAN_004),  # re-translation
    ("the armed group’s attack had been repelled and government forces had control",  # seeds/002 vs 004
     "that the attacks by armed groups had been repelled and government forces had control"),
    ("“Kabul’s forces are lying about the border crossing at Spin Boldak,”",  # trimmed reprint
     "“Kabul’s forces are lying about the border crossing at Spin Boldak, and they know it well,”"),
    ("“We hold the town; the crossing; the market.”", "“We hold the town, the crossing and the market”"),
])
def test_similar_statements_of_one_speaker_are_one_claim(rules, a, b):
    results = [article("d1", quote("d1", 5, a, ARIAN)), article("d2", quote("d2", 9, b, ARIAN))]
    (claim,) = aggregate_claims(quotes_of(results), rules)
    assert [(r.attribution.doc_id, r.attribution.start) for r in claim.reports] == [("d1", 5), ("d2", 9)]
    assert claim.text == a
    assert claim.id == claim_id(ARIAN.id, normalise_text(a))


@pytest.mark.parametrize("a, b", [
    ("“We hold the town.”", "“We hold the border post.”"),
    ("“The security forces have repelled the attack,”", "“The security forces have retaken the market,”"),
    # similar words, but fewer than min_shared content words in common
    ("“Fighting continues.”", "“Fighting continues in the south.”"),
])
def test_different_statements_of_one_speaker_stay_apart(rules, a, b):
    results = [article("d1", quote("d1", 5, a, ARIAN)), article("d2", quote("d2", 9, b, ARIAN))]
    assert len(aggregate_claims(quotes_of(results), rules)) == 2


def test_the_same_statement_of_two_speakers_stays_two_claims(rules):
    results = [article("d1", quote("d1", 5, ARIAN_003, ARIAN)), article("d2", quote("d2", 9, ARIAN_004, MUJAHID))]
    assert len(aggregate_claims(quotes_of(results), rules)) == 2


def test_a_group_speaks_for_its_organisation(rules):
    # seeds/002 "Taliban militants in Afghanistan said ..." and seeds/003 "The Taliban ... said ..."
    group = Speaker("group:002:taliban-militants", "Taliban militants in Afghanistan", SpeakerKind.GROUP,
                    affiliation="Taliban", affiliation_path=("Taliban",))
    taliban = Speaker("org:taliban", "Taliban", SpeakerKind.ORGANIZATION, affiliation="Taliban")
    results = [article("002", quote("002", 180, "they had taken control of one of the main border crossings with "
                                                "Pakistan, perhaps the most strategic objective", group,
                                    QuoteType.INDIRECT)),
               article("003", quote("003", 1046, "the group had taken control of the crossing", taliban,
                                    QuoteType.INDIRECT))]
    (claim,) = aggregate_claims(quotes_of(results), rules)
    assert claim.speaker_id == "org:taliban" == claim_speaker_id(group, rules)
    assert [r.attribution.doc_id for r in claim.reports] == ["002", "003"]
    # anonymous sources keep their own ids
    anon = Speaker("anon:a:1", "a senior official", SpeakerKind.ANONYMOUS, affiliation="Taliban")
    assert claim_speaker_id(anon, rules) == "anon:a:1"


def test_threshold_and_stopwords_come_from_the_rules(tmp_path):
    (tmp_path / "claims.yaml").write_text(
        "version: 1\nkind: claims\nrules:\n  - id: claims.default\n    description: exact only\n"
        "    similarity: 1.0\n    min_shared: 3\n    stopwords: [the, had, some, near]\n", encoding="utf-8")
    strict = load_ruleset([tmp_path])
    results = [article("d1", quote("d1", 5, ARIAN_003, ARIAN)), article("d2", quote("d2", 9, ARIAN_004, ARIAN))]
    assert len(aggregate_claims(quotes_of(results), strict)) == 2
    assert "the" not in content_tokens("the terrorist taliban", strict.claims[-1])


def test_bad_claims_rule_is_reported_with_its_place(tmp_path):
    from attrib.problems import RuleFileError

    (tmp_path / "claims.yaml").write_text(
        "version: 1\nkind: claims\nrules:\n  - id: claims.default\n    description: x\n    similarity: 1.5\n",
        encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_ruleset([tmp_path])
    assert [str(p) for p in e.value.problems] == [
        f'{tmp_path / "claims.yaml"}:6:17: "similarity" in rule "claims.default" must be a number from 0 to 1, '
        f'not "1.5"']


def test_content_tokens_and_similarity(rules):
    settings = rules.claims[-1]
    a = content_tokens(normalise_quote(ARIAN_003), settings)
    b = content_tokens(normalise_quote(ARIAN_004), settings)
    assert a == {"terro", "talib", "movem", "near", "borde", "area", "secur", "force", "repel", "attac"}
    assert similarity(a, b) == 9 / 10
    assert similarity(a, frozenset()) == 0.0


def test_pooling_does_not_depend_on_input_order(rules):
    texts = [ARIAN_003, ARIAN_004, "“We hold the town.”", "“The town is ours and we hold it.”",
             "“We hold the town, the market and the crossing.”"]
    quotes = [quote(f"d{i}", 10 * i, t, ARIAN) for i, t in enumerate(texts)]
    first = aggregate_claims(quotes, rules)
    assert aggregate_claims(list(reversed(quotes)), rules) == first
    assert len(first) < len(texts)


def test_normalise_quote_is_normalise_text():
    for text in [ARIAN_003, "“Kabul’s U.S.-backed forces”", "Él está AQUÍ", "a´b", "x…y ‥ z", "“ ”", "a\u00a0b"]:
        assert normalise_quote(text) == normalise_text(text)
