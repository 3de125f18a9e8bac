"""ruleset: every file in fixtures/rules/invalid/ gives its exact ``path:line:col: message`` lines,
and a --rules folder overrides the default rules by id.

Paths are passed relative to the repository root, as a user would type them, so
the expected lines read exactly as the CLI prints them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from attrib.ruleset import DEFAULT_RULES_DIR, KINDS, RuleFileError, RuleSet, load_ruleset, rule_files

INVALID = "fixtures/rules/invalid"
VALID = "fixtures/rules/valid"


pytestmark = pytest.mark.usefixtures("in_repo")


def problem_lines(paths: list[str | Path], defaults: bool = False) -> list[str]:
    """The lines a RuleFileError prints for these rule files (fails if they load cleanly)."""
    with pytest.raises(RuleFileError) as info:
        load_ruleset(paths, defaults=defaults)
    return info.value.lines()


# file name -> exact lines, loaded alone (defaults=False): the problem is local to the file
LOCAL_CASES = {
    "syntax_error.yaml": [
        f"{INVALID}/syntax_error.yaml:5:44: syntax error: mapping values are not allowed here",
    ],
    "unknown_key.yaml": [
        f'{INVALID}/unknown_key.yaml:9:5: unknown key "takes_recipent" in rule "cue.told" '
        '(did you mean "takes_recipient"?); expected one of: bare_content, class, description, examples, id, '
        "infinitive_claim, lang, phrases, polarity, takes_recipient, type, verbs",
    ],
    "missing_key.yaml": [
        f'{INVALID}/missing_key.yaml:4:5: missing keys "name", "kind" in rule "org.chaman-traders"',
    ],
    "wrong_type.yaml": [
        f'{INVALID}/wrong_type.yaml:7:12: "words" in rule "role.officials" must be a list of strings',
        f'{INVALID}/wrong_type.yaml:8:19: "governmental" in rule "role.officials" must be true or false',
    ],
    "duplicate_key.yaml": [
        f'{INVALID}/duplicate_key.yaml:8:5: duplicate key "name" in rule "outlet.tolo-news" (first at line 6)',
    ],
    "duplicate_id.yaml": [
        f'{INVALID}/duplicate_id.yaml:8:5: duplicate rule id "quote.guillemets" '
        f"(first defined at {INVALID}/duplicate_id.yaml:4:5)",
    ],
    "bad_kind.yaml": [
        # the known kinds are the registry's (other issues add kinds)
        f'{INVALID}/bad_kind.yaml:2:7: no such rule kind: "speaker"; known: {", ".join(sorted(KINDS))}',
    ],
    "bad_regex.yaml": [
        f'{INVALID}/bad_regex.yaml:6:14: regex "^(Photo|Image: .*$" in rule "filter.photo-credit" does not '
        "compile: missing ), unterminated subpattern at position 1",
    ],
    "unknown_affiliation.yaml": [
        f'{INVALID}/unknown_affiliation.yaml:4:5: affiliation "Afghan Ministry of Interor" of rule '
        '"speaker.ahmad-zia" is not the name of any organisation',
    ],
    "alias_conflict.yaml": [
        # at the alias itself, naming where the other rule claims it
        f'{INVALID}/alias_conflict.yaml:11:15: alias "khan" of rule "speaker.omar-khan" is also claimed by '
        f'speaker rule "speaker.jane-khan" (at {INVALID}/alias_conflict.yaml:7:15); an alias names one speaker: '
        "remove it from one of the two rules",
    ],
    "unknown_distinct.yaml": [
        f'{INVALID}/unknown_distinct.yaml:8:21: distinct_from "speaker.ahmed-nori" of rule "speaker.ahmad-noori" is '
        "not the id of any speaker rule; give a speaker rule id or a name as written",
        f'{INVALID}/unknown_distinct.yaml:8:41: distinct_from "Noori" of rule "speaker.ahmad-noori" is the rule\'s '
        "own name, alias or id; expected another speaker's name or id",
    ],
    "disable_unknown.yaml": [
        f'{INVALID}/disable_unknown.yaml:4:5: rule "speaker.arif-kakr" is disabled but no rules loaded before it '
        "define a speakers rule with that id",
    ],
    "bad_identity.yaml": [
        f'{INVALID}/bad_identity.yaml:6:22: "name_similarity" in rule "identity.loose" must be a number from 0 to 1, '
        'not "1.5"',
        f'{INVALID}/bad_identity.yaml:7:19: "block_prefix" in rule "identity.loose" must be a whole number of 0 or '
        'more, not "two"',
        f'{INVALID}/bad_identity.yaml:8:21: "spelling_folds" in rule "identity.loose" must map letters to the '
        "letters that replace them ({q: k})",
    ],
}


def test_every_invalid_file_has_a_case() -> None:
    assert sorted(p.name for p in Path(INVALID).glob("*.yaml")) == sorted(LOCAL_CASES)


@pytest.mark.parametrize("name", sorted(LOCAL_CASES))
def test_invalid_file_alone(name: str) -> None:
    assert problem_lines([f"{INVALID}/{name}"]) == LOCAL_CASES[name]


def test_unknown_affiliation_names_the_nearest_default_organisations() -> None:
    # the reference is checked against the default organisations, so the hint can name them
    assert problem_lines([f"{INVALID}/unknown_affiliation.yaml"], defaults=True) == [
        f'{INVALID}/unknown_affiliation.yaml:4:5: affiliation "Afghan Ministry of Interor" of rule '
        '"speaker.ahmad-zia" is not the name of any organisation; nearest: Afghan Ministry of Interior, '
        "Pakistan Ministry of Foreign Affairs, Afghanistan",
    ]


def test_every_problem_is_reported_at_once() -> None:
    # the whole folder in one load: nothing stops at the first problem, lines come sorted by place
    expected = sorted(line for lines in LOCAL_CASES.values() for line in lines)
    assert problem_lines([INVALID]) == expected


@pytest.mark.parametrize("text, expected", [
    ("", "{path}:1:1: empty rules file; expected keys: kind, rules, version"),
    ("version: 2\nkind: cues\nrules: []\n", '{path}:1:10: unsupported version "2"; supported: 1'),
    ("version: 1\nkind: cues\nrules: {}\n", '{path}:3:8: "rules" must be a list of rules'),
    ("version: 1\nkind: cues\n", '{path}:1:1: missing key "rules" in the file'),
    ("version: 1\nkind: quotes\nrules:\n  - id: Quote.Curly\n    description: d\n    open: x\n    close: y\n",
     '{path}:4:9: bad rule id "Quote.Curly"; expected "quote.<name>" with a kebab-case name'),
    ("version: 1\nkind: cues\nrules:\n  - id: cue.said\n    description: d\n    type: verb\n",
     '{path}:4:5: rule "cue.said" has type "verb" but no "verbs"'),
    ("version: 1\nkind: stance\nrules:\n  - id: stance.empty\n    description: d\n    relation: disputes\n",
     '{path}:4:5: rule "stance.empty" has neither "cues" nor "words", so it can never match'),
])
def test_small_invalid_files(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    assert problem_lines([path]) == [expected.format(path=path)]


_SPEAKER = b"version: 1\nkind: speakers\nrules:\n  - id: speaker.jo\n    description: d\n    name: Jo Smith\n"


@pytest.mark.parametrize("data, expected", [  # issue 19: never a traceback, always a place
    (_SPEAKER + b'    aliases: ["Jo\x00e"]\n', "{path}:7:18: syntax error: character #x0000 is not allowed in YAML "
                                              "(a control character)"),
    (_SPEAKER + b"    aliases: [Jo\x07e]\n", "{path}:7:17: syntax error: character #x0007 is not allowed in YAML "
                                           "(a control character)"),
    (_SPEAKER + b"    aliases: " + b"[" * 5000 + b"]" * 4999 + b"\n",
     "{path}:7:111: syntax error: nested more than 100 levels deep"),
    (_SPEAKER.replace(b"Jo Smith", b"Jos\xe9 Smith"), "{path}:6:14: not UTF-8 (byte 0xe9); save the rules file as "
                                                     "UTF-8"),
    (_SPEAKER + b"    aliases: [Jo, 1]\n", '{path}:7:19: items of "aliases" in rule "speaker.jo" must be strings; 1 is '
                                         'read as a number (put it in quotes, "1", to mean the text)'),
    (_SPEAKER + b"    aliases: [null]\n", '{path}:7:15: items of "aliases" in rule "speaker.jo" must be strings; null '
                                        'is read as nothing (null) (put it in quotes, "null", to mean the text)'),
    (_SPEAKER + b"    distinct_from: [true]\n", '{path}:7:21: items of "distinct_from" in rule "speaker.jo" must be '
                                              'strings; true is read as a yes/no value (put it in quotes, "true", '
                                              'to mean the text)'),
    (b'version: 1\nkind: quotes\nrules:\n  - id: quote.x\n    description: d\n    open: ""\n    close: "!"\n',
     '{path}:6:11: "open" in rule "quote.x" must be a quotation mark, not an empty or blank string'),
    (b'version: 1\nkind: quotes\nrules:\n  - id: quote.x\n    description: d\n    open: "<"\n    close: " "\n',
     '{path}:7:12: "close" in rule "quote.x" must be a quotation mark, not an empty or blank string'),
], ids=["nul", "bel", "deep", "latin-1", "alias-int", "alias-null", "distinct-bool", "empty-open", "blank-close"])
def test_hostile_rules_files(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(data)
    assert problem_lines([path]) == [expected.format(path=path)]


def test_word_lists_keep_on_and_no_as_written(tmp_path: Path) -> None:
    # YAML 1.1 reads an unquoted on/no as a yes/no; in a word list it is the word
    path = tmp_path / "lexicon.yaml"
    path.write_text("version: 1\nkind: lexicon\nrules:\n  - id: lexicon.preps\n    description: d\n"
                    "    class: coordinator\n    words: [on, no, 1]\n", encoding="utf-8")
    [rule] = load_ruleset([path], defaults=False).all_rules()
    assert rule.words == ("on", "no", "1")


def test_missing_rules_folder(tmp_path: Path) -> None:
    assert problem_lines([tmp_path / "nope"]) == [f"{tmp_path}/nope: no such rules file or directory"]


# ---------------------------------------------------------------- valid rules and overrides


def test_default_rules_load(ruleset: RuleSet) -> None:
    assert ruleset.sources == tuple(str(p) for p in rule_files([DEFAULT_RULES_DIR]))
    ids = [r.id for r in ruleset.all_rules()]
    assert len(ids) == len(set(ids))
    for kind in ("cues", "quotes", "organisations", "speakers", "outlets", "roles", "lexicon", "filters"):
        assert getattr(ruleset, kind), f"no default {kind} rules"


def test_rules_folder_overrides_a_default_speaker(ruleset: RuleSet) -> None:
    default = next(s for s in ruleset.speakers if s.id == "speaker.arif-kakar")
    assert "Haji Arif" not in default.aliases

    merged = load_ruleset([VALID])
    kakar = [s for s in merged.speakers if s.id == "speaker.arif-kakar"]
    assert len(kakar) == 1
    assert kakar[0].aliases == ("Kakar", "Haji Arif")
    assert kakar[0].affiliation == "Chaman local administration"
    # the rest of the defaults are untouched
    assert len(merged.all_rules()) == len(ruleset.all_rules())
    assert merged.sources[-1] == f"{VALID}/speakers.yaml"


def test_later_rules_folder_wins(tmp_path: Path) -> None:
    later = tmp_path / "later"
    later.mkdir()
    (later / "speakers.yaml").write_text(
        "version: 1\nkind: speakers\nrules:\n"
        "  - id: speaker.arif-kakar\n"
        "    description: Second override.\n"
        "    name: Arif Kakar\n"
        "    aliases: [A. Kakar]\n"
        "    affiliation: Pakistan\n", encoding="utf-8")
    merged = load_ruleset([VALID, later])
    [kakar] = [s for s in merged.speakers if s.id == "speaker.arif-kakar"]
    assert (kakar.aliases, kakar.affiliation) == (("A. Kakar",), "Pakistan")


def test_override_can_reference_default_organisations() -> None:
    # the valid override alone, without the defaults, names an organisation nobody defines
    assert problem_lines([VALID]) == [
        f'{VALID}/speakers.yaml:5:5: affiliation "Chaman local administration" of rule "speaker.arif-kakar" '
        "is not the name of any organisation",
    ]


def test_null_optional_value_is_not_the_string_null(tmp_path: Path) -> None:
    path = tmp_path / "speakers.yaml"
    path.write_text("version: 1\nkind: speakers\nrules:\n  - id: speaker.jane-doe\n    description: d\n"
                    "    name: Jane Doe\n    role: null\n", encoding="utf-8")
    try:
        rs = load_ruleset([path], defaults=False)
    except RuleFileError:
        return  # rejecting null is fine too
    assert rs.speakers[0].role is None


# ---------------------------------------------------------------- disabling, identity, distinct_from, places


NO_SEED = "fixtures/rules/no_seed_people"


def test_a_later_folder_disables_default_rules(ruleset: RuleSet) -> None:
    rs = load_ruleset([NO_SEED])
    names = {s.name for s in rs.speakers}
    assert not names & {"Zabihullah Mujahid", "Tareq Arian", "Arif Kakar"}
    assert len(rs.all_rules()) == len(ruleset.all_rules()) - 3


def test_disabling_a_rule_that_the_same_file_defines_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "speakers.yaml"
    path.write_text("version: 1\nkind: speakers\nrules:\n  - {id: speaker.jane-doe, disabled: true}\n"
                    "  - {id: speaker.jane-doe, description: d, name: Jane Doe}\n", encoding="utf-8")
    assert problem_lines([path]) == [
        f'{path}:4:5: rule "speaker.jane-doe" is disabled but no rules loaded before it define a speakers rule '
        "with that id",
        f'{path}:5:5: duplicate rule id "speaker.jane-doe" (first defined at {path}:4:5)']


def test_disabling_names_the_nearest_ids() -> None:
    assert problem_lines([f"{INVALID}/disable_unknown.yaml"], defaults=True) == [
        f'{INVALID}/disable_unknown.yaml:4:5: rule "speaker.arif-kakr" is disabled but no rules loaded before it '
        "define a speakers rule with that id; nearest: speaker.arif-kakar"]


def test_disabled_false_keeps_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "speakers.yaml"
    path.write_text("version: 1\nkind: speakers\nrules:\n"
                    "  - {id: speaker.jane-doe, description: d, name: Jane Doe, disabled: false}\n", encoding="utf-8")
    assert [s.name for s in load_ruleset([path], defaults=False).speakers] == ["Jane Doe"]


def test_disabling_an_organisation_a_speaker_names_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "organisations.yaml"
    path.write_text("version: 1\nkind: organisations\nrules:\n  - {id: org.taliban, disabled: true}\n",
                    encoding="utf-8")
    lines = problem_lines([path], defaults=True)
    assert any('affiliation "Taliban" of rule "speaker.zabihullah-mujahid" is not the name of any organisation'
               in line for line in lines)


def test_identity_settings_default_and_override(ruleset: RuleSet) -> None:
    assert ruleset.identity_settings().name_similarity == 0.85
    assert ("q", "k") in ruleset.identity_settings().spelling_folds
    strict = load_ruleset(["fixtures/rules/identity_strict"]).identity_settings()
    assert (strict.name_similarity, strict.block_prefix, strict.merge_surnames) == (0.99, 3, False)
    alone = load_ruleset(["fixtures/rules/bad_examples/filters.yaml"], defaults=False)
    assert alone.identity_settings().id == "identity.default"  # the built-in defaults


def test_two_identity_rules_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "identity.yaml"
    path.write_text("version: 1\nkind: identity\nrules:\n  - {id: identity.loose, description: d}\n",
                    encoding="utf-8")
    assert problem_lines([path], defaults=True) == [
        f'{path}:4:5: second identity rule "identity.loose" (first: "identity.default"); only one may be loaded: '
        'override "identity.default" by its id instead']


def test_distinct_from_loads() -> None:
    rs = load_ruleset(["fixtures/rules/distinct"])
    [arian] = [s for s in rs.speakers if s.id == "speaker.tareq-arian"]
    assert arian.distinct_from == ("Tarek Arian",)


def test_places_of_rules_and_examples(ruleset: RuleSet) -> None:
    assert ruleset.place("speaker.arif-kakar")[1:] > (1, 0)
    path, line, col = ruleset.place("speaker.tareq-arian:match:0")
    text = Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
    assert text[col - 1:].startswith("\'\"The road is closed,\"")
    # an overriding file moves the rule's place there
    assert load_ruleset([VALID]).place("speaker.arif-kakar") == (f"{VALID}/speakers.yaml", 5, 5)


def test_an_alias_that_a_default_speaker_claims_points_at_both(tmp_path: Path) -> None:
    path = tmp_path / "speakers.yaml"
    path.write_text("version: 1\nkind: speakers\nrules:\n  - id: speaker.ahmad-khan\n    description: d\n"
                    "    name: Ahmad Khan\n    aliases: [A. Khan, Khan]\n", encoding="utf-8")
    [line] = problem_lines([path], defaults=True)
    default = load_ruleset().place("speaker.imran-khan:aliases:0")
    assert line == (f'{path}:7:24: alias "khan" of rule "speaker.ahmad-khan" is also claimed by speaker rule '
                    f'"speaker.imran-khan" (at {default[0]}:{default[1]}:{default[2]}); an alias names one speaker: '
                    "remove it from one of the two rules")
    # a rule that overrides another by id may keep its aliases: no conflict with itself
    assert load_ruleset(["fixtures/rules/valid"]).speakers
