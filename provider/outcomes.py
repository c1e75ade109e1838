"""What the lifecycle core answers (``provider.lifecycle``): checked inputs, a diff, an outcome,
and the engine's sentinel for a value not known yet. Plain data, no network, no Pulumi."""

from __future__ import annotations

import dataclasses
from typing import Any

# The engine's wire sentinel for a value not known yet; both doors turn unknowns into it.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

Props = dict[str, Any]


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return value == UNKNOWN


@dataclasses.dataclass(frozen=True)
class Checked:
    """Checked inputs (defaults filled) and one ``(property, reason)`` per bad property."""

    inputs: Props = dataclasses.field(repr=False)  # may hold a secret
    failures: list[tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class Diff:
    """What an update would change: per changed property, its kind (``add``, ``delete``,
    ``update``, each with ``-replace`` when the property replaces the resource)."""

    kinds: dict[str, str]
    replaces: tuple[str, ...]

    @property
    def changed(self) -> tuple[str, ...]:
        """The changed properties, in field-table order."""
        return tuple(self.kinds)

    inputs: tuple[str, ...] = ()

    @property
    def stables(self) -> list[str]:
        """Inputs that do not change."""
        return [f for f in self.inputs if f not in self.kinds]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What create, read or update leaves in state: the id (``""`` = gone), outputs, inputs."""

    id: str
    # Outputs and inputs hold secrets (an access token, a SAS token): never in a repr.
    outputs: Props = dataclasses.field(repr=False)
    inputs: Props = dataclasses.field(default_factory=dict, repr=False)
    # Object made but not as declared: a partial failure (plugin), a stderr warning (dynamic).
    warnings: tuple[str, ...] = ()
