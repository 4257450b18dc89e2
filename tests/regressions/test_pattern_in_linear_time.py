"""Regression: a text option's `pattern` ran on Python's backtracking `re`: `(a+)+b` against 26 characters took
2 s of CPU on the event loop. Patterns are RE2 now (linear time), and RE2 refuses what it cannot match linearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from catalog.loader import load_catalog
from tests.conftest import BUNDLED

GLASSES = (BUNDLED / "eyeglasses.yaml").read_text()
SAFE_PATTERN = "pattern: \"[A-Za-z0-9 .'-]*\""


def test_a_catastrophic_pattern_answers_at_once(tmp_path: Path) -> None:
    hostile = GLASSES.replace(SAFE_PATTERN, 'pattern: "(a+)+b"').replace("max_length: 20", "max_length: 100")
    (tmp_path / "glasses.yaml").write_text(hostile)
    # 60 characters: a backtracking matcher needs about 2**60 steps, holding the interpreter, so the request runs
    # in a child process that is killed if it has not answered; RE2 answers at once.
    script = (
        "import sys; from fastapi.testclient import TestClient; from configurator.app import create_app; "
        "client = TestClient(create_app(sys.argv[1], 'sqlite://')); "
        "print(client.post('/api/v1/products/eyeglasses/configure', "
        "json={'selections': {'engraving': 'a' * 60}}).json()['violations'][0]['message'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "Temple engraving: contains characters that are not allowed"


def test_patterns_re2_cannot_match_linearly_are_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "glasses.yaml").write_text(GLASSES.replace(SAFE_PATTERN, r'pattern: "(a)\\1"'))
    errors = load_catalog([tmp_path]).errors
    assert len(errors) == 1 and errors[0].message.startswith("invalid pattern (RE2 syntax")
    assert (errors[0].line, errors[0].col) == (GLASSES[: GLASSES.index(SAFE_PATTERN)].count("\n") + 1, 18)
