"""ebok.domain.documents and ebok.domain.statement_pdf: own documents only, the statement's numbers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ebok.domain import documents, statement_pdf
from tests.helpers import finance as F

D = dt.date


@pytest.fixture
def wh():
    F.build()


def test_list_own_and_general(wh):
    assert [d.document_id for d in documents.documents("M-001")] == ["DOC-M1", "DOC-ALL"]
    assert [d.document_id for d in documents.documents("U-001")] == ["DOC-U1", "DOC-ALL"]
    assert [d.document_id for d in documents.documents("G-001")] == ["DOC-ALL"]


def test_download_own(wh):
    name, data = documents.read_document("M-001", "DOC-M1")
    assert name == "rozl_m001.pdf" and data == F.pdf_bytes("DOC-M1")
    assert documents.read_document("U-001", "DOC-ALL")[1] == F.pdf_bytes("DOC-ALL")


@pytest.mark.parametrize(
    ("premises", "doc"), [("M-001", "DOC-U1"), ("U-001", "DOC-M1"), ("G-001", "DOC-M1"), ("M-001", "NOPE")]
)
def test_download_refuses_other_premises(wh, premises, doc):
    with pytest.raises(documents.DocumentNotAvailable):
        documents.read_document(premises, doc)


def test_path_cannot_escape(wh, data_dir):
    assert documents.pdf_path("../../etc/passwd").name == "passwd"
    assert documents.pdf_path("../../etc/passwd").parent.name == "documents"


def test_statement_numbers(wh):
    s = statement_pdf.statement("M-001", D(2026, 10, 1), D(2026, 10, 31))
    assert s.opening_balance == 0
    assert [e.entry_id for e in s.entries] == ["E03", "E04", "E05"]
    assert (s.charges, s.payments, s.closing_balance) == (
        Decimal("522.35"),
        Decimal("300.00"),
        Decimal("-222.35"),
    )
    with pytest.raises(ValueError, match="Okres"):
        statement_pdf.statement("M-001", D(2026, 11, 1), D(2026, 10, 1))


def test_statement_pdf_text(wh):
    pdf = statement_pdf.build("M-001", D(2026, 11, 1), D(2026, 11, 30), F.TODAY)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Zestawienie konta lokalu" in text
    assert "Saldo otwarcia (01.11.2026): 222,35 zł (do zapłaty)" in text
    assert "Saldo zamknięcia (30.11.2026): 742,35 zł (do zapłaty)" in text
    assert "Opłaty za listopad 2026" in text and "Anna Nowak" in text
    assert "Opłaty za październik" not in text
    assert (
        statement_pdf.filename("M-001", D(2026, 11, 1), D(2026, 11, 30))
        == "zestawienie_M-001_20261101_20261130.pdf"
    )
