"""Every gettext catalogue in the repository is committed compiled, and the compiled file is its `.po`'s."""

import shutil
from pathlib import Path

import pytest

from chassis.i18n import compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(path for path in ROOT.glob("*/translations") if path.is_dir())


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("translations", CATALOGUES, ids=lambda path: path.parent.name)
def test_recompiling_every_catalogue_gives_the_committed_mo(translations, tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(translations, copy)
    for compiled in compile_catalogues(copy):
        committed = translations / compiled.relative_to(copy)
        assert committed.exists(), f"{committed} is not committed"
        assert compiled.read_bytes() == committed.read_bytes(), f"{committed} is stale: compile its .po again"
