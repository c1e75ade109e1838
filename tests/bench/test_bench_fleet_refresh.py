"""bench.fleet_refresh: a refresh of N connections in a sandbox of M costs the fleet minimum."""

from __future__ import annotations

import pytest

from bench import fleet_refresh


@pytest.mark.parametrize(("n", "m", "fewest"),
                         [(1, 1, 1), (3, 3, 2), (10, 250, 4), (500, 5000, 51)])
def test_minimum_is_one_get_then_one_listing_never_more_than_n(n: int, m: int, fewest: int) -> None:
    """One GET for the first read, then ceil(M/100) listing pages, and never more than N."""
    assert fleet_refresh.minimum(n, m) == fewest


@pytest.mark.slow
def test_a_small_fleet_refresh_meets_the_minimum_through_both_doors() -> None:
    """Five connections among fifteen refresh in two requests through each door, all 'same'."""
    rows = fleet_refresh.measure(ns=(5,), factors=(3,))
    assert [(r["door"], r["requests"], r["same"]) for r in rows] == [
        ("dynamic", 2, 5), ("plugin", 2, 5)]
    assert "requests" in fleet_refresh.table(rows)
