"""Templates never restate statuses: they ask the model's transition table (``status_tag``,
``status_style``, ``|allows:"..."``) or a ``*_at`` stamp, so a renamed status cannot leave a
page showing the wrong thing."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [
    ROOT / name
    for name in ("marketplace", "suppliers", "challenges", "contracts", "feedback", "search")
]
RESTATED = re.compile(r"""\bstatus\s*(==|!=|in)\s*["']""")

TEMPLATES = sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("templates/**/*.html"))


def test_the_scan_finds_templates_and_catches_a_restated_status():
    assert len(TEMPLATES) > 50
    assert RESTATED.search('{% if profile.status == "approved" %}')
    assert RESTATED.search("{% if claim.status != 'paid' %}")
    assert not RESTATED.search('{% if profile|allows:"submit" %}')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_does_not_restate_a_status(path):
    lines = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if RESTATED.search(line)
    ]
    assert lines == []
