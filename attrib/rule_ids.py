"""The rule ids the stages emit by themselves, each with what it means.

A record's ``rule`` joins the ids of everything that made it with ``+``: the rules files' own ids
(``quote.curly-double``, ``cue.saying``, ``filter.anonymity-aside``: their ``description`` says what each
does) and the ids below, which name a step of the code rather than a rule a user writes. ``attrib rules
ids`` prints both, so every part of a record's ``rule`` leads to one documented place.
"""
from __future__ import annotations

BUILT_IN: dict[str, str] = {
    # cues: how the cue found its speaker and content
    "cue.inverted": 'the speaker follows the cue: "“...,” said Jane Roe."',
    "cue.parenthetical": 'the cue and speaker interrupt the content: "The bridge, she said, will reopen."',
    "cue.passive-agent": 'the speaker is the agent of a passive cue: "it was announced by the ministry"',
    "cue.colon-before-quote": 'an attribution ending in a colon introduces the quotation of the next paragraph',
    "cue.quote-frame": 'a quotation ending in a comma inside its marks, then a name and any verb: "“...,” quipped Roe."',
    # quotations without a cue of their own
    "quote.split": 'the first part of a quotation split by its attribution: "“A,” she said, “B.”"',
    "quote.continuation": "a quotation that continues the previous attribution's speaker (same paragraph, or "
                          "the next paragraph wholly in quotation marks)",
    "quote.introduced-speaker": 'a quotation that stands as a sentence right after a sentence (or a colon) whose '
                                'subject is a person: "Jane Roe runs the shelter. “We are full.”"',
    # speakers: how the mention became a speaker
    "speaker.known": "the mention names a speaker of the rules (by name or alias)",
    "speaker.name": "the mention names a person the rules do not know",
    "speaker.pronoun": 'a pronoun, resolved to the person or organisation the passage is about ("he", "they")',
    "speaker.descriptor": 'an organisation descriptor resolved to an organisation named before ("the ministry")',
    "speaker.person-descriptor": 'a definite description of a person, resolved to the person the passage is '
                                 'about ("the affable proprietor")',
    "speaker.titled-person": 'a definite title ("the prime minister") -> the person named with it before '
                             '("Prime Minister Jane Roe")',
    "speaker.anonymous": 'an unnamed source by role ("a senior official"); one per role and article',
    "speaker.group": 'a group by its role noun ("residents", "Smith supporters")',
    "speaker.organisation": "an organisation or country the rules know",
    "speaker.unknown": "a mention that names no person, role or known organisation, kept as written",
    "speaker.elided": 'the cue shares the speaker of the clause before it ("X said ..., adding ...", '
                      '"X praised the plan and said ...")',
    "speaker.dependency-subject": "the speaker is the cue's subject (nsubj) in the dependency parse, where the "
                                  "grammar found none",
    "speaker.dependency-relative": 'the cue heads a relative clause: the speaker is the noun it modifies '
                                   '("the department which reported"), where the grammar found none',
    "speaker.dependency-shared": 'a participle clause with no subject of its own shares the subject of the clause it '
                                 'modifies in the dependency parse ("Roe was defensive about a donor who said ..., '
                                 'saying ..."), where the grammar found none',
    "speaker.dependency-agent": 'a passive cue\'s agent (obl with "by") in the dependency parse ("it was '
                                'confirmed on Monday by the fire service that"), where the grammar found none',
    # affiliations and roles read from the text (attrib.descriptions)
    "affiliation.premodifier": 'organisation and title written before the name: "Metro Transit spokeswoman Jane Roe"',
    "affiliation.dependency": 'with a dependency parse, where the text gives none: an organisation in the title '
                              'in apposition to the name (", vice-president, external affairs for Northwind '
                              'Mobile,"), or a possessor or organisation before the name and its title',
    "affiliation.appositive": 'an appositive after the name: "Jane Roe, a spokeswoman for Metro Transit,"',
    "affiliation.heads": 'a relative clause: "Jane Roe, who heads the Metro Union,"',
    "affiliation.preposition": '"of"/"for" after the name or role: "Jane Roe of the Metro Union", '
                               '"a spokeswoman for Metro Transit"',
    "affiliation.possessor": 'whose title it is, before the name: "Roe\'s agent, Sam Lee" -> Roe (a person or an '
                             'organisation)',
    "affiliation.party-tag": 'US news\' party-and-state tag after the name: "Jane Roe, D-Mich.," -> Democratic Party',
}
