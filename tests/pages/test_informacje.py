"""Informacje: RODO and the accessibility statement, from the office config, signed in or out."""

from __future__ import annotations

from ebok.core import config
from tests.helpers.auth import page


def _configure(privacy: str, accessibility: str) -> None:
    cfg = config.load()
    data = config.to_dict(cfg)
    data["texts"]["privacy"] = privacy
    data["texts"]["accessibility"] = accessibility
    data["company"]["name"] = "Spółdzielnia Mieszkaniowa „Zielone Wzgórze”"
    config.save(data)


def test_signed_out_visitor_reads_both_texts():
    _configure("Administratorem danych jest Spółdzielnia.", "Portal spełnia WCAG 2.1 AA.")
    at = page("pages/informacje.py")
    at.run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "Administratorem danych jest Spółdzielnia." in texts
    assert "Portal spełnia WCAG 2.1 AA." in texts
    assert "Spółdzielnia Mieszkaniowa „Zielone Wzgórze”" in texts


def test_missing_texts_say_so_and_markup_stays_inert():
    _configure("<script>alert(1)</script>", "")
    at = page("pages/informacje.py", "anna.nowak")
    at.run()
    assert not at.exception
    assert "<script>alert(1)</script>" in [t.value for t in at.text]
    assert any("deklaracji dostępności" in i.value for i in at.info)
