"""Dokumenty (AppTest): own and general documents only, downloads refused for other premises."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from ebok.core import clock
from ebok.domain import documents, statement_pdf
from tests.helpers import money

PAGE = "pages/dokumenty.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def visible(demo, pid):
    return {
        r["document_id"] for r in money.read(demo.export_dir, "documents") if r["premises_id"] in ("", pid)
    }


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_lists_own_and_general(demo, username):
    for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
        at = money.run_page(PAGE, username, pid)
        options = at.selectbox(key=f"dokumenty_wybor_{pid}").options
        assert len(options) == len(visible(demo, pid))
        assert len(money.frame_with(at, "Tytuł")) == len(visible(demo, pid))
        labels = [b.proto.label for b in at.get("download_button")]
        assert labels == ["Pobierz PDF", "Pobierz zestawienie PDF"]


def test_download_own_bytes_equal_export(demo):
    rows = money.read(demo.export_dir, "documents")
    for pid in money.premises_of(demo.export_dir, "L0001"):
        for r in rows:
            if r["premises_id"] in ("", pid):
                data = documents.read_pdf(pid, r["document_id"])
                assert data == (demo.export_dir / "documents" / r["file"]).read_bytes()


def test_download_of_other_premises_refused(demo):
    anna = money.premises_of(demo.export_dir, "L0001")
    blazej = money.premises_of(demo.export_dir, "U0001")
    foreign = [
        r["document_id"] for r in money.read(demo.export_dir, "documents") if r["premises_id"] in blazej
    ]
    others = [
        r["document_id"]
        for r in money.read(demo.export_dir, "documents")
        if r["premises_id"] and r["premises_id"] not in anna
    ]
    assert others
    for pid in anna:
        for doc in others:
            with pytest.raises(documents.DocumentNotAvailable):
                documents.read_pdf(pid, doc)
    # Through the page: ?dokument= with a foreign id is refused and never offered.
    target = (foreign or others)[0]
    at = money.run_page(PAGE, "anna.nowak", anna[0], dokument=target)
    assert any("nie ma takiego dokumentu" in w.value for w in at.warning)
    assert target not in at.selectbox(key=f"dokumenty_wybor_{anna[0]}").options
    assert target not in money.all_text(at)


def test_deep_link_to_own_document(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    own = sorted(
        r["document_id"] for r in money.read(demo.export_dir, "documents") if r["premises_id"] == pid
    )
    assert own
    at = money.run_page(PAGE, "anna.nowak", pid, dokument=own[0])
    assert at.selectbox(key=f"dokumenty_wybor_{pid}").value == own[0]
    assert not at.warning


def test_statement_pdf_matches_ledger(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    rows = [r for r in money.read(demo.export_dir, "ledger") if r["premises_id"] == pid]
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    before = -sum(
        (money.dec(r["amount"]) for r in rows if money.day(r["entry_date"]) < start), money.dec("0")
    )
    inside = [money.dec(r["amount"]) for r in rows if start <= money.day(r["entry_date"]) <= end]
    closing = before - sum(inside, money.dec("0"))
    pdf = statement_pdf.build(pid, start, end, clock.today())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Zestawienie konta lokalu" in text
    word = lambda v: "nadpłata" if v > 0 else "zaległość" if v < 0 else "saldo zerowe"  # noqa: E731
    assert f"Saldo otwarcia (01.01.2025): {money.pl_money(abs(before))} ({word(before)})" in text
    assert f"Saldo zamknięcia (31.12.2025): {money.pl_money(abs(closing))} ({word(closing)})" in text
    assert f"Razem naliczenia: {money.pl_money(sum(a for a in inside if a > 0))}" in text
