"""ebok.loader.upload: an uploaded export saved safely (ZIP slip, links, size, type), then prepared."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from ebok.core import uploads
from ebok.core.errors import FormError
from ebok.core.uploads import Upload
from ebok.loader import run, upload
from ebok.storage import audit, warehouse
from tests.helpers import loader as lh


def zipped(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """Return a ZIP of MEMBERS (name -> bytes) and symbolic LINKS (name -> target)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return out.getvalue()


def export_zip(folder: Path, prefix: str = "") -> bytes:
    """Return the tiny export in FOLDER as a ZIP (every file under PREFIX)."""
    return zipped(
        {prefix + p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    )


def refusal(files: list[Upload]) -> list[str]:
    """Return the messages save() refuses FILES with."""
    with pytest.raises(FormError) as err:
        upload.save(files, "admin")
    return err.value.messages


def test_zip_of_an_export_folder_is_unpacked_and_audited(tmp_path):
    folder = lh.write_export(tmp_path / "export")
    saved = upload.save([Upload("eksport.zip", export_zip(folder, "eksport-2026-11-20/"))], "admin")
    assert saved.folder.parent == run.uploads_dir()
    assert "premises.csv" in saved.names and "documents/regulamin.pdf" in saved.names  # folder dropped
    assert (saved.folder / "premises.csv").read_bytes() == (folder / "premises.csv").read_bytes()
    (entry,) = audit.entries(action="load_uploaded")
    assert entry["username"] == "admin" and entry["details"]["uploaded"] == ["eksport.zip"]


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/evil.csv", "documents/../../evil.csv", "C:/evil.csv"])
def test_zip_slip_is_refused_naming_the_archive_and_the_path(name):
    messages = refusal([Upload("eksport.zip", zipped({"premises.csv": b"a\n", name: b"x"}))])
    assert messages == [
        f"Plik „eksport.zip”: zawiera plik o niebezpiecznej ścieżce „{name}” (bezwzględnej albo z „..”)."
    ]
    assert not list(run.uploads_dir().glob("*/*"))  # nothing was written


def test_a_link_in_the_zip_is_refused():
    messages = refusal(
        [Upload("eksport.zip", zipped({"premises.csv": b"a\n"}, {"customers.csv": "/etc/passwd"}))]
    )
    assert messages == [
        "Plik „eksport.zip”: zawiera „customers.csv”, który nie jest zwykłym plikiem (np. dowiązanie)."
    ]


def test_a_zip_that_unpacks_too_big_is_refused_and_leaves_nothing(monkeypatch):
    monkeypatch.setattr(upload, "MAX_UNPACKED", 10_000)
    data = zipped({"ledger.csv": b"0" * 20_000})  # compresses to a few dozen bytes
    assert len(data) < 10_000
    assert refusal([Upload("eksport.zip", data)]) == [
        "Plik „eksport.zip”: po rozpakowaniu ma ponad 0 GB; tyle nie przyjmujemy."
    ]
    assert not any(run.uploads_dir().iterdir())


def test_too_many_files_in_the_zip(monkeypatch):
    monkeypatch.setattr(upload, "MAX_FILES", 2)
    data = zipped({"a.csv": b"a\n", "b.csv": b"b\n", "c.csv": b"c\n"})
    assert refusal([Upload("eksport.zip", data)]) == [
        "Plik „eksport.zip”: archiwum ma 3 plików, dopuszczalne 2."
    ]


def test_a_file_over_the_limit_is_refused_with_its_name(monkeypatch):
    monkeypatch.setattr(
        uploads, "EXPORT", uploads.Kind("exports", 1024, uploads.EXPORT_TYPES, "CSV, XLSX i ZIP")
    )
    messages = refusal([Upload("ledger.csv", b"a;b\n" * 1000)])
    assert messages[0].startswith(
        "Plik „ledger.csv”: plik „ledger.csv” jest za duży (0,0 MB), dopuszczalne 0 MB."
    )


def test_a_file_of_another_type_is_refused_with_its_name():
    messages = refusal([Upload("premises.csv", b"a;b\n"), Upload("skan.pdf", b"%PDF-1.4\n")])
    assert messages == [
        "Plik „skan.pdf”: dozwolone są tylko pliki CSV, XLSX i ZIP (sprawdzamy zawartość pliku)."
    ]


def test_a_zip_with_other_files_and_nothing_at_all_are_refused():
    assert refusal([Upload("a.zip", zipped({"a.csv": b"a\n"})), Upload("premises.csv", b"a\n")]) == [
        "Pliki eksportu: wyślij jeden plik ZIP albo same pliki CSV i XLSX, nie jedno i drugie naraz."
    ]
    assert refusal([]) == ["Pliki eksportu: wybierz plik ZIP z eksportem albo pliki eksportu (CSV, XLSX)."]


def test_a_broken_zip_is_named():
    messages = refusal([Upload("eksport.zip", b"PK\x03\x04" + b"\x00" * 40)])
    assert messages[0].startswith("Plik „eksport.zip”: nie jest poprawnym archiwum ZIP")


def test_saved_files_are_prepared_and_the_folder_removed(tmp_path):
    folder = lh.write_export(tmp_path / "export")
    files = [Upload(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]
    saved = upload.save(files, "admin")
    seen = []
    result = upload.prepare(saved, "contract", "admin", progress=lambda label, share: seen.append(label))
    # Without documents/ the two PDFs are missing: the report names the file, line and column.
    assert result.status == "rejected"
    missing = [i for i in result.issues.errors if i.code == "pdf_missing"]
    assert [(i.file, i.line, i.column) for i in missing] == [
        ("documents.csv", 2, "file"),
        ("documents.csv", 3, "file"),
    ]
    # The page's phases around the loader's own stages (each with its rows, as the bar shows them).
    assert seen[0] == upload.PHASES[1] and seen[-2:] == list(upload.PHASES[2:])
    assert any(label.startswith("Sprawdzanie plików (1/7): premises.csv") for label in seen[1:-2])
    assert not saved.folder.exists()
    assert warehouse.current_version() is None
    assert "Eksport odrzucony" in (upload.report(result.load_id) or "")
