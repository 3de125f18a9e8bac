"""Annotation cache: (article text, NLP settings) -> the rules-free stanza annotation, kept on disk between runs.

A rules edit changes what the rules find, not how stanza tokenises, tags and parses,
so ``attrib run`` keeps stanza's layer (sentences, tokens, POS, lemmas,
dependencies, NER; ``nlp.without_rule_entities``) per article, keyed by a hash
of the text and of the NLP settings (stanza's version, the processors and the
identity of their model files). The rules' layer (gazetteer hits, capitalised
chunks) is added again on every run (``nlp.with_rule_entities``).

Layout: ``DIR/annotations/<settings key>/<2 hex>/<text hash>.ann``; each entry is
a header line with the SHA-256 of its payload, then the zlib-compressed JSON
payload. An entry that is unreadable, fails its checksum, or does not fit its
article is counted as corrupt, recomputed and overwritten, never used. The folder
can be deleted at any time.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .model import Annotated, Article, Entity, Sentence, Token

#: bump when the entry format or what the layer holds changes
FORMAT = 2
_MAGIC = b"attrib-annotation 1 "


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/attrib``, else ``~/.cache/attrib``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "attrib"


def text_digest(text: str) -> str:
    """SHA-256 of an article's text (UTF-8, surrogates escaped), in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stanza_settings(directory: Path, processors: Sequence[str]) -> dict[str, Any]:
    """What decides stanza's output: its version, the processors, and each model file's name, size and mtime."""
    from importlib.metadata import PackageNotFoundError, version as package_version

    try:
        version = package_version("stanza")  # without importing stanza (and torch)
    except PackageNotFoundError:  # pragma: no cover - the key still differs from any real stanza's
        version = "none"
    files = []
    for proc in processors:
        for f in sorted((directory / "en" / proc).glob("*.pt")):
            st = f.stat()
            files.append([f"{proc}/{f.name}", st.st_size, st.st_mtime_ns])
    return {"annotator": "stanza", "version": version, "processors": list(processors), "models": files,
            "format": FORMAT}


def settings_key(settings: dict[str, Any]) -> str:
    """A short hash naming one set of NLP settings (a subfolder of the cache)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:20]


@dataclass
class CacheStats:
    """What the cache did in this process."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    write_errors: int = 0

    def add(self, other: "CacheStats") -> None:
        """Add another process's counts to these."""
        self.hits += other.hits
        self.misses += other.misses
        self.corrupt += other.corrupt
        self.write_errors += other.write_errors


class AnnotationCache:
    """The rules-free annotations of one set of NLP settings, one file per article text."""

    def __init__(self, root: str | os.PathLike, settings: dict[str, Any]):
        self.root = Path(root)
        self.folder = self.root / "annotations" / settings_key(settings)
        self.stats = CacheStats()

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}.ann"

    def get(self, article: Article, digest: str) -> Annotated | None:
        """The cached layer for this article, or None (a miss, or a corrupt entry, which is counted)."""
        path = self._path(digest)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.stats.misses += 1
            return None
        except OSError:
            self.stats.corrupt += 1
            return None
        try:
            annotated = _decode(raw, article, digest)
        except (ValueError, TypeError, KeyError, IndexError, zlib.error, UnicodeDecodeError):
            annotated = None
        if annotated is None:
            self.stats.corrupt += 1
            return None
        self.stats.hits += 1
        return annotated

    def put(self, digest: str, base: Annotated) -> None:
        """Store one article's rules-free layer (atomically: a temporary file renamed into place)."""
        path = self._path(digest)
        data = _encode(base, digest)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            self.stats.write_errors += 1  # a cache that cannot be written only costs speed
            try:
                tmp.unlink()
            except OSError:
                pass


def _encode(base: Annotated, digest: str) -> bytes:
    payload = {
        "text_sha256": digest, "chars": len(base.article.text), "nlp": base.nlp,
        "flags": [base.has_pos, base.has_deps, base.has_ner],
        "sentences": [[s.start, s.end, [[t.text, t.start, t.end, t.lemma, t.upos, t.head, t.deprel]
                                         for t in s.tokens]] for s in base.sentences],
        "entities": [[e.start, e.end, e.text, e.label] for e in base.entities if e.source == "ner"],
    }
    body = zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
    return _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _decode(raw: bytes, article: Article, digest: str) -> Annotated | None:
    """The entry's annotation of ``article``, or None when it is damaged or belongs to another text."""
    if not raw.startswith(_MAGIC):
        return None
    head, _, body = raw[len(_MAGIC):].partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != head:
        return None
    p = json.loads(zlib.decompress(body).decode("utf-8"))
    text = article.text
    # the entry must be for this very text: the key alone is not trusted
    if p["text_sha256"] != digest or p["chars"] != len(text) or text_digest(text) != digest:
        return None
    n = len(text)
    sents = []
    for start, end, toks in p["sentences"]:
        tokens = tuple(Token(str(w), int(s), int(e), _opt(lemma), _opt(upos), None if head is None else int(head),
                             _opt(deprel)) for w, s, e, lemma, upos, head, deprel in toks)
        if not (0 <= start <= end <= n) or any(not (0 <= t.start <= t.end <= n) for t in tokens):
            return None
        sents.append(Sentence(int(start), int(end), tokens))
    ents = []
    for start, end, etext, label in p["entities"]:
        if not (0 <= start <= end <= n):
            return None
        ents.append(Entity(int(start), int(end), str(etext), str(label), "ner"))
    has_pos, has_deps, has_ner = (bool(x) for x in p["flags"])
    return Annotated(article, tuple(sents), tuple(ents), str(p["nlp"]), has_pos, has_deps, has_ner)


def _opt(v: Any) -> str | None:
    return None if v is None else str(v)
