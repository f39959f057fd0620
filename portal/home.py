"""The home page: what needs the signed-in person's attention now, read from the services' own APIs."""

from __future__ import annotations

import dataclasses

from portal.sessions import Person


@dataclasses.dataclass(frozen=True)
class Attention:
    title: str
    href: str
    count: int | None  # None: the service could not be read just now


def attention(person: Person) -> list[Attention]:
    return []
