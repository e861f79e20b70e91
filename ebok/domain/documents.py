"""A resident's documents: the premises' PDFs and the general ones, and downloads limited to them.

A document is visible to a resident of premises P when its premises_id is P or empty (general).
`read_document(premises_id, document_id)` refuses anything else, whatever id a page passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebok.core import fmt
from ebok.core.i18n import N_, _
from ebok.domain import finance
from ebok.storage import warehouse

KIND_NAMES = {
    "invoice": N_("Faktura"),
    "water_settlement": N_("Rozliczenie wody"),
    "notice": N_("Zawiadomienie"),
    "regulation": N_("Regulamin"),
    "other": N_("Inny"),
}


class DocumentNotAvailable(PermissionError):
    """The document does not exist or belongs to another premises (message in the run's language)."""

    def __init__(self) -> None:
        super().__init__(_("Dokument: nie ma takiego dokumentu wśród dokumentów Twojego lokalu."))


@dataclass(frozen=True)
class Document:
    """One document a resident may download."""

    document_id: str
    premises_id: str | None  # None or '' = general document
    kind: str
    title: str
    issued_on: dt.date
    file: str
    document_no: str | None

    @property
    def general(self) -> bool:
        """Whether the document is for everyone (no premises)."""
        return not self.premises_id

    @property
    def kind_name(self) -> str:
        """Name of the document kind in the language of this run."""
        return _(KIND_NAMES.get(self.kind, self.kind))

    @property
    def download_name(self) -> str:
        """File name offered to the browser."""
        return Path(self.file).name


def documents(premises_id: str) -> list[Document]:
    """Return the documents of the premises and the general ones, newest first."""
    return [Document(**r) for r in warehouse.rows("documents_list", premises_id=premises_id)]


def document(premises_id: str, document_id: str) -> Document:
    """Return the document if a resident of PREMISES_ID may see it, else raise DocumentNotAvailable."""
    row = warehouse.one("documents_one", premises_id=premises_id, document_id=document_id)
    if row is None:
        raise DocumentNotAvailable()
    return Document(**row)


def pdf_path(file: str) -> Path:
    """Return where the loader keeps the PDF named FILE (ebok.storage.warehouse.document_path)."""
    return warehouse.document_path(file)


def read_document(premises_id: str, document_id: str) -> tuple[str, bytes]:
    """Return (file name, PDF bytes) of a document the premises may see; refuse others."""
    doc = document(premises_id, document_id)
    path = pdf_path(doc.file)
    if not path.is_file():
        raise FileNotFoundError(
            _("Dokument: plik {file} jest niedostępny, skontaktuj się z biurem.").format(
                file=doc.download_name
            )
        )
    return doc.download_name, path.read_bytes()


def documents_rows(docs: list[Document]) -> list[dict[str, str]]:
    """Return display rows for a table of documents."""
    return [
        {
            _("Data"): fmt.date(d.issued_on),
            _("Rodzaj"): d.kind_name,
            _("Tytuł"): d.title,
            _("Numer"): d.document_no or "",
            _("Dotyczy"): (
                _("wszystkich mieszkańców")
                if d.general
                else _("lokalu {premises}").format(premises=d.premises_id)
            ),
        }
        for d in docs
    ]


def label(doc: Document) -> str:
    """Return the selector label: '21.11.2026 — Faktura: Faktura FV/…'."""
    return f"{fmt.date(doc.issued_on)} — {doc.kind_name}: {doc.title}"


def read_pdf(premises_id: str, document_id: str) -> bytes:
    """Return the PDF bytes of a document the premises may see (for deferred downloads); refuse others."""
    return read_document(premises_id, document_id)[1]


def frame(docs: list[Document]) -> Any:
    """Return the documents table as an Arrow table (see finance.frame)."""
    return finance.frame(documents_rows(docs))
