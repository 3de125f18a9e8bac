"""CoNLL-U for the tests: stanza Documents built by hand (made-up sentences with POS, heads, relations and BIOES
NER), written by stanza's writer as `attrib annotate` writes them (``annotations.write_conllu``)."""
from __future__ import annotations

import io

import stanza

from attrib.annotations import write_conllu
from attrib.model import Article

#: made-up articles and their parses: each sentence a string of "FORM UPOS HEAD DEPREL NER" tokens, ";"-separated
ROE = 'Mayor Jane Roe said the bridge will reopen in May. "We are ready," she told reporters.\n'
ROE_PARSE = [
    "Mayor NOUN 2 compound O; Jane PROPN 4 nsubj B-PERSON; Roe PROPN 2 flat E-PERSON; said VERB 0 root O;"
    "the DET 6 det O; bridge NOUN 8 nsubj O; will AUX 8 aux O; reopen VERB 4 ccomp O; in ADP 10 case O;"
    "May PROPN 8 obl S-DATE; . PUNCT 4 punct O",
    '" PUNCT 4 punct O; We PRON 4 nsubj O; are AUX 4 cop O; ready ADJ 8 ccomp O; , PUNCT 4 punct O;'
    '" PUNCT 4 punct O; she PRON 8 nsubj O; told VERB 0 root O; reporters NOUN 8 obj O; . PUNCT 8 punct O',
]
UNION = "The Metro Union warned of a strike on Monday, a spokesman said.\n"
UNION_PARSE = [
    "The DET 3 det B-ORG; Metro PROPN 3 compound I-ORG; Union PROPN 4 nsubj E-ORG; warned VERB 13 ccomp O;"
    "of ADP 7 case O; a DET 7 det O; strike NOUN 4 obl O; on ADP 9 case O; Monday PROPN 4 obl S-DATE;"
    ", PUNCT 4 punct O; a DET 12 det O; spokesman NOUN 13 nsubj O; said VERB 0 root O; . PUNCT 13 punct O",
]


def parsed(text: str, sentences: list[str]) -> stanza.Document:
    """A stanza Document of ``text`` from the sentences' token specs (each form found in the text in order)."""
    at = 0
    sents = []
    for spec in sentences:
        words = []
        for i, tok in enumerate(t.split() for t in spec.split(";")):
            form, upos, head, deprel, ner = tok
            start = text.index(form, at)
            at = start + len(form)
            words.append({"id": i + 1, "text": form, "lemma": form.lower(), "upos": upos, "head": int(head),
                          "deprel": deprel, "ner": ner, "start_char": start, "end_char": at})
        sents.append(words)
    return stanza.Document(sents, text=text)


def conllu(docs: list[tuple[str, stanza.Document]]) -> str:
    """The CoNLL-U of (doc_id, Document) pairs, as `attrib annotate` writes it."""
    out = io.StringIO()
    made = iter([doc for _, doc in docs])
    write_conllu([Article(doc_id, doc_id, doc.text) for doc_id, doc in docs], lambda texts: [next(made) for _ in texts],
                 out, batch_size=2)
    return out.getvalue()


def line_of(conllu_text: str, doc_id: str, startswith: str) -> int:
    """The 1-based line of the first line starting with ``startswith`` in the document ``doc_id``."""
    lines = conllu_text.split("\n")
    first = lines.index(f"# newdoc id = {doc_id}")
    return next(i for i in range(first, len(lines)) if lines[i].startswith(startswith)) + 1
