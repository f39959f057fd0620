"""The roster's fixed vocabulary: the standard function catalogue and the ordered levels it ranks by.

Function codes and language proficiency levels are shared with the other services (docs/events.md).
"""

from __future__ import annotations

EXPERIENCE_LEVELS = ("junior", "experienced", "senior")
CLEARANCE_LEVELS = ("none", "restricted", "confidential", "secret")
READINESS_LEVELS = ("not_ready", "vetted", "ready")


def rank(levels: tuple[str, ...], level: str) -> int:
    """Position of `level` in an ordered vocabulary (0 = lowest)."""
    return levels.index(level)
