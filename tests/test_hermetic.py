"""Hermeticity of the suite itself: the caller's ``AEP_*`` variables reach no fixture.

``.ci/run`` runs the suite a second time with junk ``AEP_*`` exported; there this module fails if
a module-scoped fixture (the kind that starts a provider host once per module) can see them.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def aep_seen_by_module_fixtures() -> set[str]:
    """The ``AEP_*`` names visible while module-scoped fixtures are set up."""
    return {k for k in os.environ if k.startswith("AEP_")}


def test_module_fixtures_see_no_callers_aep(aep_seen_by_module_fixtures: set[str]) -> None:
    """A provider host started by a module-scoped fixture inherits no AEP_* of the caller."""
    assert aep_seen_by_module_fixtures == set()
