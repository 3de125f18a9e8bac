"""Shared fixtures: the repository root, the default rules, a CLI runner, and stanza's English models when present."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from attrib.ruleset import RuleSet, load_ruleset

REPO_ROOT = Path(__file__).resolve().parents[1]
#: ../shared/stanza_resources next to the repository (the official English tokenize + mwt models)
SHARED_STANZA = Path(__file__).resolve().parents[2] / "shared" / "stanza_resources"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (holds setup.cfg, seeds/, fixtures/)."""
    return REPO_ROOT


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so relative paths read as in the README."""
    monkeypatch.chdir(REPO_ROOT)
    return REPO_ROOT


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner that keeps stderr apart from stdout."""
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into stdout by default
    except TypeError:  # click >= 8.2 always keeps result.stderr apart
        return CliRunner()


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The default rules shipped with the package."""
    return load_ruleset()


def _has_english_tokenizer(directory: Path) -> bool:
    return any((directory / "en" / "tokenize").glob("*.pt"))


@pytest.fixture(scope="session")
def stanza_dir() -> Path:
    """A folder holding stanza's English tokenize model; skips the test when there is none."""
    if SHARED_STANZA.is_dir():
        return SHARED_STANZA
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env and _has_english_tokenizer(Path(env)):
        return Path(env)
    pytest.skip(f"stanza's English models not found: neither {SHARED_STANZA} exists nor does "
                f"$STANZA_RESOURCES_DIR ({env or 'unset'}) hold en/tokenize/*.pt")
