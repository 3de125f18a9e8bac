"""Node and speaker ids: a name's slug and the ``person:``/``org:``/``outlet:``/``claim:`` ids made from it."""
from __future__ import annotations

import functools
import hashlib
import re

from .text import normalise_quote

_NOT_SLUG = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=4096)  # for speed: a corpus names the same speakers and organisations again and again
def slug(name: str) -> str:
    """A node-id-safe form of a name: ``"Afghan Ministry of Interior"`` -> ``"afghan-ministry-of-interior"``."""
    s = _NOT_SLUG.sub("-", normalise_quote(name)).strip("-")  # normalise_text's answer, found faster
    return s or hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def person_id(name: str) -> str:
    """A person's speaker id, ``person:<slug of name>``."""
    return "person:" + slug(name)


@functools.lru_cache(maxsize=1 << 16)
def org_id(name: str) -> str:
    """An organisation's speaker and node id, ``org:<slug of name>``."""
    return "org:" + slug(name)


@functools.lru_cache(maxsize=1 << 16)
def outlet_id(name: str) -> str:
    """The node id of an outlet or channel, ``outlet:<slug of name>``."""
    return "outlet:" + slug(name)


def claim_id(*parts: str) -> str:
    """``claim:`` + the first 12 hex digits of the SHA-1 of the parts (joined by U+001F)."""
    return "claim:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
