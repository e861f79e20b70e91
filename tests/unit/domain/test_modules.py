"""Which optional modules apply to a customer's premises, on the loaded demo; expected from the CSV files."""

from __future__ import annotations

import pytest

from ebok.domain import modules
from tests.helpers import meters_demo as md
from tests.helpers import tiny_warehouse as tw

ANNA_GARAGE, BLAZEJ_SHOP = "B0001/G001", "B0001/U001"


@pytest.fixture
def export(data_dir):
    """The demo export whose warehouse is the current one of this test."""
    return md.use(data_dir)


def expected(export, premises_id: str) -> frozenset[str]:
    """Read from the export CSVs alone: meters.csv, settlements.csv, waste_points.csv, premises.csv."""
    with_meters = {r["premises_id"] for r in md.read(export, "meters")}
    settled = {r["premises_id"] for r in md.read(export, "settlements")}
    waste = {r["premises_id"] for r in md.read(export, "waste_points")}
    [row] = [r for r in md.read(export, "premises") if r["premises_id"] == premises_id]
    found = set()
    if premises_id in with_meters:
        found |= {"meters", "settlements"}
    if premises_id in settled:
        found.add("settlements")
    if premises_id in waste:
        found.add("waste")
    if row["community_id"] and md.dec(row["share"]) > 0:
        found.add("voting")
    return frozenset(found)


def test_personas_get_what_their_premises_have(export):
    assert modules.by_premises([md.ANNA_FLAT])[md.ANNA_FLAT] == {"meters", "settlements"}
    assert modules.by_premises([ANNA_GARAGE])[ANNA_GARAGE] == frozenset()
    assert modules.by_premises([md.MARIA_FLAT])[md.MARIA_FLAT] == {"meters", "settlements", "voting"}
    assert modules.by_premises([md.JAN_HOUSE])[md.JAN_HOUSE] == {"meters", "settlements", "waste"}
    for pid in (md.ANNA_FLAT, ANNA_GARAGE, md.MARIA_FLAT, md.JAN_HOUSE, BLAZEJ_SHOP):
        assert modules.by_premises([pid])[pid] == expected(export, pid), pid


def test_every_demo_premises_matches_the_export(export):
    ids = [r["premises_id"] for r in md.read(export, "premises")]
    found = modules.by_premises(ids)
    assert set(found) == set(ids)
    assert found == {pid: expected(export, pid) for pid in ids}
    # The demo holds each case at least once, so the test can fail on every module.
    assert any(not f for f in found.values()) and any("waste" in f for f in found.values())
    assert any("voting" in f for f in found.values()) and any("voting" not in f for f in found.values())


def test_a_customer_gets_a_module_when_any_of_their_premises_has_it(export):
    assert modules.applicable([ANNA_GARAGE]) == frozenset()
    assert modules.applicable([md.ANNA_FLAT, ANNA_GARAGE]) == {"meters", "settlements"}
    assert modules.applicable([md.MARIA_FLAT, md.JAN_HOUSE]) == {"meters", "settlements", "voting", "waste"}


def test_unknown_premises_and_no_warehouse_give_nothing(data_dir):
    assert modules.applicable([md.ANNA_FLAT]) == frozenset()  # before the first load
    assert modules.applicable([]) == frozenset()
    md.use(data_dir)
    assert modules.by_premises(["NIE-MA"]) == {}


def test_a_community_premises_without_a_share_does_not_vote(data_dir):
    tw.build(
        {
            "customers": [tw.customer("L0001", "Anna")],
            "communities": [{"community_id": "WM9", "name": "Wspólnota"}],
            "premises": [
                tw.premises("P1", "L0001", "B1", community_id="WM9", share=tw.D("0.1000")),
                tw.premises("P2", "L0001", "B1", community_id="WM9", share=tw.D("0")),
                tw.premises("P3", "L0001", "B1", community_id="WM9"),
            ],
        }
    )
    assert modules.by_premises(["P1", "P2", "P3"]) == {
        "P1": {"voting"},
        "P2": frozenset(),
        "P3": frozenset(),
    }
