"""Creates that never make two: the ids this process holds, the server's clock, and the proof of
what a create whose answer was lost made.

A create (POST) is not repeated on a guess. When an attempt's answer is lost, the client lists
the collection and hands what it found to :func:`decide`, a pure function: candidates in, a
:class:`Decision` out (adopt one id, none found, or ambiguous with every candidate's id).

An item is the one the lost attempt made only if all of these hold:

- it has the create body's identity (``Collection.identity``);
- no one else in this process holds it (:class:`HeldIds`: created, adopted or read);
- its creator is this caller: the API key (Flow Service's ``createdClient``) or the technical
  account the access token names (Data Prep's ``createdBy``: ``...@techacct.adobe.com``; read
  from the token's own ``user_id`` claim, :func:`technical_account`);
- it was created, in the server's time, no earlier than this call's first attempt was sent,
  minus ``DATE_MARGIN_MS`` for the ``Date`` header's one-second resolution. The server's time is
  calibrated from the ``Date`` headers of this process's answers (:class:`ServerClock`), never
  guessed with a fixed skew.

An item with the identity whose origin nothing settles (no creator, a creator in another case, a
technical account when the token names none, no numeric creation time, one before the attempt,
or no calibrated clock) may be the lost one: the decision is then ambiguous unless exactly one
item is proven. An item provably another caller's is left out.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DATE_MARGIN_MS",
    "Creator",
    "Decision",
    "HeldIds",
    "ServerClock",
    "decide",
    "technical_account",
]

# The Date header is whole seconds; a server may round rather than truncate.
DATE_MARGIN_MS = 1_000

# Data Prep names the technical account of an OAuth server-to-server credential as the creator.
_TECH_ACCOUNT_DOMAIN = "@techacct.adobe.com"


class HeldIds:
    """Item ids this process created, adopted or read (process-wide): a lookup after a lost
    create never takes one of them; same-identity creates run one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[str] = set()
        self._presented: set[str] = set()
        self._create_locks: dict[tuple[object, ...], threading.Lock] = {}

    def hold(self, id_: object) -> None:
        """Remember ``id_`` (ignored unless a non-empty string)."""
        if isinstance(id_, str) and id_:
            with self._lock:
                self._held.add(id_)

    def present(self, id_: object) -> None:
        """Remember that this deployment presented ``id_`` as one of its resources (in a Diff,
        Read, Update or Create: a replaced resource's predecessor included), so advice never
        suggests deleting it. Not a hold: a lookup may still list it as a candidate."""
        if isinstance(id_, str) and id_:
            with self._lock:
                self._presented.add(id_)

    def presented(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Those of ``ids`` this deployment presented or holds."""
        with self._lock:
            return tuple(i for i in ids if i in self._presented or i in self._held)

    def __contains__(self, id_: object) -> bool:
        with self._lock:
            return id_ in self._held

    def create_lock(self, key: tuple[object, ...]) -> threading.Lock:
        """The lock serialising creates of identity ``key``."""
        with self._lock:
            return self._create_locks.setdefault(key, threading.Lock())


class ServerClock:
    """The offset from this machine's wall clock to a server's, learnt from answers' ``Date``.

    Each answer read at local time ``t`` carrying ``Date: d`` shows the server's clock was at
    least ``d`` (the header is truncated to the second and written before the answer left) when
    ours read ``t``: ``d - t`` is a lower bound of the offset. The largest bound seen is kept, so
    the estimate does not run ahead of the server. (If our clock is stepped forward it may: the
    lost create's item is then doubted, an error listing it, never a second item created.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset_ms: int | None = None

    def observe(self, server_ms: int, local_ms: int) -> None:
        """One answer: its ``Date`` (epoch ms) and our wall clock when it was read."""
        bound = server_ms - local_ms
        with self._lock:
            if self._offset_ms is None or bound > self._offset_ms:
                self._offset_ms = bound

    def to_server(self, local_ms: int) -> int | None:
        """``local_ms`` in the server's time, None before any answer carried a ``Date``."""
        with self._lock:
            return None if self._offset_ms is None else local_ms + self._offset_ms


@dataclass(frozen=True)
class Creator:
    """Who this caller is as the API records a creator: its API key (IMS client id) and, when
    the access token names it, its technical account."""

    client_id: str
    technical_account: str | None = None

    def judge(self, recorded: object) -> bool | None:
        """True if ``recorded`` is this caller, False if it is provably someone else, None if
        nothing settles it."""
        if not isinstance(recorded, str):
            return None
        mine = [self.client_id, *([self.technical_account] if self.technical_account else [])]
        if recorded in mine:
            return True
        if recorded.lower() in (m.lower() for m in mine):
            return None  # same letters, another case: not proof either way
        if recorded.lower().endswith(_TECH_ACCOUNT_DOMAIN):
            # Could be ours: the token named no technical account, or Data Prep recorded it in
            # another form than the token's user_id (Adobe documents neither). Unproven means an
            # error naming it, never a second create.
            return None
        return False


@dataclass(frozen=True)
class Decision:
    """What a lookup after a lost create proves.

    ``adopt``: the one id the lost attempt made, or None. ``candidates``: when nothing is
    adopted, every id that may be it (sorted; empty: nothing was made, create again).
    ``proven``: how many of the candidates were each proven (several: ambiguous)."""

    adopt: str | None
    candidates: tuple[str, ...] = ()
    proven: int = 0

    @property
    def ambiguous(self) -> bool:
        """No single item is proven but some may be the lost create's."""
        return self.adopt is None and bool(self.candidates)


def decide(
    listed: Iterable[Mapping[str, Any]], *, identity: tuple[object, ...],
    identity_of: Callable[[Mapping[str, Any]], tuple[object, ...]],
    created_by: str, created_at: str, creator: Creator, since_ms: int | None,
    held: HeldIds | frozenset[str] = frozenset(),
) -> Decision:
    """Which of ``listed`` a create with body identity ``identity`` made, whose first attempt
    was sent at server time ``since_ms`` (None: the server's clock is not known).

    ``created_by``/``created_at`` are the keys the collection records them under; ``held``
    the ids no lookup may take."""
    proven: list[str] = []
    unproven: list[str] = []
    threshold = None if since_ms is None else since_ms - DATE_MARGIN_MS
    for item in listed:
        id_ = item.get("id")
        if not isinstance(id_, str) or identity_of(item) != identity or id_ in held:
            continue
        mine = creator.judge(item.get(created_by))
        if mine is False:
            continue
        created = item.get(created_at)
        timely = (threshold is not None and isinstance(created, (int, float))
                  and not isinstance(created, bool) and created >= threshold)
        (proven if mine and timely else unproven).append(id_)
    if len(proven) == 1:
        return Decision(proven[0], proven=1)
    return Decision(None, tuple(sorted(proven + unproven)), proven=len(proven))


def technical_account(token: str) -> str | None:
    """The ``user_id`` claim of an IMS access token (a JWT), read without verifying it (the
    token came from IMS over TLS; it is only compared with what the API records). None when the
    token is not a JWT or names no technical account."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None
    user = claims.get("user_id") if isinstance(claims, dict) else None
    return user if isinstance(user, str) and user else None
