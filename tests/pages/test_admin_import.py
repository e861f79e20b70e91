"""Import danych: upload the export (ZIP or files), read the report and the diff, publish or discard."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from filelock import FileLock

from ebok.core import text, uploads
from ebok.loader import run as loader
from ebok.storage import audit, warehouse
from tests.helpers import loader as lh
from tests.helpers.auth import page


def rerun(at):
    """Run the page again."""
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(username: str = "admin"):
    """Open the page as USERNAME."""
    return rerun(page("pages/admin_import.py", username, timeout=60))


def served(tmp_path: Path) -> str:
    """Publish the tiny export through the nightly path; return the version served."""
    result = loader.load(lh.write_export(tmp_path / "served"), stream=io.StringIO())
    assert result.status == "ok"
    return result.warehouse_file


def as_zip(folder: Path) -> bytes:
    """Return FOLDER zipped as an office would: the folder itself inside the archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"eksport/{path.relative_to(folder).as_posix()}")
    return out.getvalue()


def upload_and_check(at, files: list[tuple[str, bytes, str]]):
    """Choose FILES in the uploader, press "Sprawdź eksport"; return the page after the check."""
    at.file_uploader(key="import_files_0").set_value(files)
    rerun(at)
    at.button(key="import_check").click()
    rerun(at)
    assert not at.exception, at.exception
    return at


def problems_table(at):
    """Return the report's rows (Rodzaj, Plik, Wiersz, Kolumna, Powód) as tuples."""
    frame = next(d.value for d in at.dataframe if "Powód" in d.value.columns)
    return [tuple(r) for r in frame[["Rodzaj", "Plik", "Wiersz", "Kolumna"]].itertuples(index=False)]


def test_resident_is_refused():
    at = page("pages/admin_import.py", "anna.nowak")  # the page itself asks the guard, menu or not
    at.run()
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]


def test_uploader_takes_the_export_kind_up_to_its_limit():
    at = open_page()
    uploader = at.file_uploader(key="import_files_0")
    assert uploader.proto.max_upload_size_mb == uploads.EXPORT.max_mb == 200
    assert sorted(uploader.proto.type) == [".csv", ".xlsx", ".zip"]
    assert at.button(key="import_check").disabled  # nothing chosen yet


def test_zip_upload_shows_the_diff_and_publishes(tmp_path):
    before = served(tmp_path)
    data = lh.rows()
    data["premises"].append(dict(data["premises"][0], premises_id="P4", unit_no="4"))
    at = upload_and_check(
        open_page(), [("eksport.zip", as_zip(lh.write_export(tmp_path / "new", data)), "application/zip")]
    )
    assert [i.value for i in at.info] == [
        "Eksport jest poprawny. Sprawdź porównanie z danymi w użyciu, potem opublikuj albo odrzuć."
    ]
    summary = at.dataframe[0].value
    premises = summary[summary["Co"] == "Lokale"].iloc[0]
    assert (premises["Było"], premises["Jest"], premises["Dodane"]) == ("3", "4", "+1")
    assert warehouse.current_version() == before  # nothing published before the decision
    assert not [s for s in at.success if "Opublikowano" in s.value]
    at.button(key="import_publish").click()
    rerun(at)
    assert not at.exception, at.exception
    now = warehouse.current_version()
    assert now != before and now is not None
    assert [s.value for s in at.success] == [
        f"Opublikowano: mieszkańcy widzą nową wersję danych {now}. Dane na dzień 20.11.2026 22:15."
    ]
    assert "[Stan danych](admin_dane)" in " ".join(m.value for m in at.markdown)
    assert [e["username"] for e in audit.entries(action="load_uploaded")] == ["admin"]
    (published,) = audit.entries(action="load_published")
    assert (published["username"], published["details"]["warehouse_file"]) == ("admin", now)


def test_files_with_a_refusal_need_a_reason_and_a_confirmation(tmp_path):
    before = served(tmp_path)
    data = lh.rows()
    data["documents"] = []  # the served version has 2 documents: an emptied file is refused
    folder = lh.write_export(tmp_path / "new", data)
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.glob("*.csv"))]
    at = upload_and_check(open_page(), files)
    refusal = at.error[0].value
    assert refusal.startswith("Kontrola wiarygodności odrzuciła eksport")
    assert text.escape_markdown("Plik jest pusty, a w obsługiwanej dotąd hurtowni ma 2 wiersze.") in refusal
    at.button(key="import_publish").click()
    rerun(at)
    assert [e.value for e in at.error][1:] == [
        "Powód: podaj, dlaczego publikujesz eksport mimo odrzucenia (trafi do dziennika zdarzeń).",
        "Potwierdzenie: zaznacz, że zmiany w eksporcie są prawdziwe.",
    ]
    assert warehouse.current_version() == before
    at.text_area(key="import_reason").input("Dokumenty przeniesione do archiwum")
    at.checkbox(key="import_confirm").check()
    at.button(key="import_publish").click()
    rerun(at)
    assert warehouse.current_version() != before
    (forced,) = audit.entries(action="load_forced")
    assert forced["details"]["reason"] == "Dokumenty przeniesione do archiwum"


def test_a_bad_file_shows_its_file_line_and_column_and_offers_no_publish(tmp_path):
    served(tmp_path)
    folder = lh.write_export(tmp_path / "bad")
    ledger = folder / "ledger.csv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("2026-10-01", "2026-13-01", 1), encoding="utf-8"
    )
    lh.rewrite_manifest(folder)
    at = upload_and_check(open_page(), [("eksport.zip", as_zip(folder), "application/zip")])
    assert at.error[0].value.startswith("Ładowanie odrzucone: 1 błąd.")
    assert ("błąd", "ledger.csv", 3, "entry_date") in problems_table(at)  # E2 is the file's 2nd data line
    assert not [b for b in at.button if b.key in ("import_publish", "import_discard")]


def test_discard_keeps_the_version_served(tmp_path):
    before = served(tmp_path)
    at = upload_and_check(
        open_page(), [("eksport.zip", as_zip(lh.write_export(tmp_path / "new")), "application/zip")]
    )
    at.button(key="import_discard").click()
    rerun(at)
    assert [i.value for i in at.info] == ["Import odrzucony: mieszkańcy widzą dane bez zmian."]
    assert warehouse.current_version() == before
    assert [e["username"] for e in audit.entries(action="load_discarded")] == ["admin"]


def test_a_load_in_progress_says_who_and_since_when(monkeypatch):
    monkeypatch.setattr(loader.clock, "local_now", lambda: datetime(2026, 12, 3, 17, 41))
    other = FileLock(str(loader.loader_dir() / "load.lock"))
    folder = loader.uploads_dir() / "20261203T174100-abcd"
    folder.mkdir(parents=True)
    loader._take(other, "anna.kowalska", "browser", str(folder))
    try:
        at = open_page()
        assert [w.value for w in at.warning] == [
            "Trwa ładowanie danych: rozpoczęte 03.12.2026 17:41 przez anna.kowalska (import z przeglądarki). "
            "Spróbuj ponownie, gdy się zakończy."
        ]
        assert at.button(key="import_check").disabled
    finally:
        loader._release(other)
