"""Cross-tenant reads and writes happen only through `chassis.access` (ADR 0100): no code outside it calls
`across_tenants`. Tests may (they set up and inspect every tenant's records)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {ROOT / "chassis" / "access.py"}
SKIPPED_DIRS = {".venv", "node_modules", "var", "tests", "__pycache__", ".git"}


def _sources():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts) and path not in ALLOWED:
            yield path


def _calls_across_tenants(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "across_tenants" and isinstance(node.ctx, ast.Load)]


def test_only_chassis_access_crosses_tenants():
    offenders = {str(path.relative_to(ROOT)): lines for path in _sources() if (lines := _calls_across_tenants(path))}
    assert offenders == {}, "cross tenants through chassis.access (a declared resource or a system purpose)"


def test_the_guard_sees_a_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("Expert.across_tenants('a reason').filter(id=1)\n", encoding="utf-8")
    assert _calls_across_tenants(sample) == [1]
