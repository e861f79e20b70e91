"""ebok.core.uploads: the one upload check and the one way to store a file with its database row."""

from __future__ import annotations

import io
import tomllib
import zipfile
from contextlib import contextmanager

import pytest

from ebok.core import settings, uploads
from ebok.core.errors import Problems
from ebok.core.uploads import Upload

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"\x00" * 100


class Transaction:
    """A stand-in for store.engine().begin(): records whether it committed or rolled back."""

    def __init__(self, fail_commit: bool = False) -> None:
        self.fail_commit = fail_commit
        self.outcome = ""
        self.rows: list[str] = []

    @contextmanager
    def begin(self):  # type: ignore[no-untyped-def]
        try:
            yield self
        except BaseException:
            self.outcome = "rolled back"
            raise
        if self.fail_commit:
            self.outcome = "commit failed"
            raise RuntimeError("commit failed")
        self.outcome = "committed"


def files(kind: uploads.Kind = uploads.INBOX_ATTACHMENT) -> list[str]:
    """Return every file in the kind's folder, staged .part files included."""
    return sorted(p.name for p in uploads.uploads_dir(kind).iterdir())


def checked(data: bytes = PNG, kind: uploads.Kind = uploads.INBOX_ATTACHMENT) -> uploads.Checked:
    """Return DATA as a checked upload of KIND."""
    problems = Problems()
    result = uploads.check(Upload("skan.png", data), kind, "Załącznik", problems)
    assert result is not None and not problems
    return result


def test_sniff_recognises_only_allowed_types():
    assert uploads.sniff(JPEG) == ("image/jpeg", "jpg")
    assert uploads.sniff(PNG) == ("image/png", "png")
    assert uploads.sniff(PDF) == ("application/pdf", "pdf")
    assert uploads.sniff(b"<svg onload=alert(1)>") is None


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"", uploads.INBOX_ATTACHMENT, "Plik: plik jest pusty."),
        (
            b"%PDF-" + b"\x00" * (5 * 1024 * 1024),
            uploads.INBOX_ATTACHMENT,
            "Plik: plik „x” jest za duży (5,0 MB), dopuszczalne 5 MB. Formularza nie wysłano; wybierz mniejszy plik.",
        ),
        (PDF, uploads.FAULT_PHOTO, "Plik: dozwolone są tylko pliki JPEG, PNG (sprawdzamy zawartość pliku)."),
        (
            b"GIF89a",
            uploads.MESSAGE_ATTACHMENT,
            "Plik: dozwolone są tylko pliki PDF, JPEG i PNG (sprawdzamy zawartość pliku).",
        ),
        (PNG, uploads.RESOLUTION_PDF, "Plik: dozwolone są tylko pliki PDF (sprawdzamy zawartość pliku)."),
    ],
)
def test_check_refuses_with_the_field_named(data, kind, message):
    problems = Problems()
    assert uploads.check(Upload("x", data), kind, "Plik", problems) is None
    assert [str(p) for p in problems] == [message]


def test_a_50_mb_file_is_refused_by_its_name_and_the_limit_in_polish():
    problems = Problems()
    big = Upload("C:\\Skany\\umowa najmu.pdf", b"%PDF-" + b"\x00" * (50 * 1024 * 1024))
    assert uploads.check(big, uploads.INBOX_ATTACHMENT, "Załącznik", problems) is None
    assert [str(p) for p in problems] == [
        "Załącznik: plik „umowa najmu.pdf” jest za duży (50,0 MB), dopuszczalne 5 MB. "
        "Formularza nie wysłano; wybierz mniejszy plik."
    ]


def test_one_size_limit_per_kind():
    # The limits as the office knows them: 5 MB for photos and inbox files, 10 MB for notices and resolutions.
    limits = {
        k.subdir + ("/photo" if k is uploads.FAULT_PHOTO else ""): k.max_mb
        for k in (
            uploads.READING_PHOTO,
            uploads.INBOX_ATTACHMENT,
            uploads.FAULT_PHOTO,
            uploads.MESSAGE_ATTACHMENT,
            uploads.RESOLUTION_PDF,
        )
    }
    assert limits == {"readings": 5, "inbox": 5, "inbox/photo": 5, "messages": 10, "resolutions": 10}
    exactly = b"%PDF-" + b"\x00" * (10 * 1024 * 1024 - 5)
    assert uploads.check(Upload("a.pdf", exactly), uploads.RESOLUTION_PDF, "Plik PDF", Problems()) is not None


def test_check_returns_type_by_content_and_a_harmless_name():
    result = uploads.check(Upload("../../etc/zdjęcie", JPEG), uploads.FAULT_PHOTO, "Zdjęcie", Problems())
    assert result == uploads.Checked(JPEG, "image/jpeg", "jpg", "zdjęcie.jpg")
    assert result.size == len(JPEG)
    assert uploads.check(None, uploads.FAULT_PHOTO, "Zdjęcie", Problems()) is None


def test_saving_moves_the_file_into_place_before_the_commit():
    tx = Transaction()
    with uploads.saving(checked(), uploads.INBOX_ATTACHMENT, tx.begin()) as (con, name):
        assert con is tx
        assert files() == [f".{name}.part"]  # staged, not yet visible under its name
    assert tx.outcome == "committed"
    assert files() == [name] and len(name) == 36 and name.endswith(".png")
    assert uploads.read(name, uploads.INBOX_ATTACHMENT) == PNG


def test_saving_without_a_file_just_runs_the_transaction():
    tx = Transaction()
    with uploads.saving(None, uploads.INBOX_ATTACHMENT, tx.begin()) as (_con, name):
        assert name is None
    assert tx.outcome == "committed" and files() == []


def test_failed_insert_leaves_no_file():
    tx = Transaction()
    with pytest.raises(RuntimeError, match="insert"):
        with uploads.saving(checked(), uploads.INBOX_ATTACHMENT, tx.begin()):
            raise RuntimeError("insert failed")
    assert tx.outcome == "rolled back" and files() == []


def test_failed_move_rolls_the_row_back(monkeypatch):
    tx = Transaction()

    def failing_replace(self, target):  # type: ignore[no-untyped-def]
        raise OSError("dysk pełny")

    file = checked()
    monkeypatch.setattr(uploads.Path, "replace", failing_replace)
    with pytest.raises(OSError, match="dysk pełny"):
        with uploads.saving(file, uploads.INBOX_ATTACHMENT, tx.begin()):
            tx.rows.append("item")
    assert tx.outcome == "rolled back" and files() == []


def test_failed_commit_removes_the_moved_file():
    tx = Transaction(fail_commit=True)
    with pytest.raises(RuntimeError, match="commit failed"):
        with uploads.saving(checked(), uploads.INBOX_ATTACHMENT, tx.begin()):
            pass
    assert files() == []


@pytest.mark.parametrize(
    "name",
    [None, "", "../auth.yaml", "a" * 32 + ".exe", ".%s.png.part" % ("a" * 32), "S20261121-ABCDEF12/.jpg"],
)
def test_read_only_our_names(name):
    assert uploads.read(name, uploads.READING_PHOTO) is None


def test_read_files_stored_before_the_shared_mechanism():
    # Reading photos and resolution PDFs were named after their submission / resolution id.
    (uploads.uploads_dir(uploads.READING_PHOTO) / "S20261121-0A1B2C3D4E.jpg").write_bytes(JPEG)
    (uploads.uploads_dir(uploads.RESOLUTION_PDF) / "EB-20261121-0A1B2C.pdf").write_bytes(PDF)
    assert uploads.read("S20261121-0A1B2C3D4E.jpg", uploads.READING_PHOTO) == JPEG
    assert uploads.read("EB-20261121-0A1B2C.pdf", uploads.RESOLUTION_PDF) == PDF
    assert uploads.read("0" * 32 + ".png", uploads.READING_PHOTO) is None  # ours, but gone


def test_the_server_lets_every_oversized_file_up_to_its_cap_reach_the_check():
    # A file over the server's cap is dropped by the browser and the form goes without it; under
    # the cap it reaches check(), which refuses the form naming the file. The case is 50 MB.
    server = tomllib.loads((settings.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    cap = server["server"]["maxUploadSize"]
    assert cap == uploads.RECEIVE_MAX_MB
    # The accounting export is the biggest kind (the office's import page): exactly its limit, no more,
    # so memory per upload stays bounded; the 50 MB case of the forms still arrives.
    assert cap == uploads.EXPORT.max_mb == 200
    for kind in (
        uploads.READING_PHOTO,
        uploads.INBOX_ATTACHMENT,
        uploads.FAULT_PHOTO,
        uploads.MESSAGE_ATTACHMENT,
        uploads.RESOLUTION_PDF,
    ):
        assert kind.max_mb * 5 <= cap, kind  # five times any form's limit still gets a named refusal


def _zip(names: dict[str, bytes]) -> bytes:
    """Return a ZIP archive holding NAMES."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_export_kind_takes_csv_xlsx_and_zip_by_content():
    csv = "premises_id;city\nP1;Łódź\n".encode("cp1250")
    workbook = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    archive = _zip({"premises.csv": b"premises_id\nP1\n"})
    found = {}
    for name, data in (("lokale.csv", csv), ("eksport.xlsx", workbook), ("eksport.zip", archive)):
        problems = Problems()
        result = uploads.check(Upload(name, data), uploads.EXPORT, f"Plik „{name}”", problems)
        assert result is not None and not problems, problems
        found[name] = (result.mime, result.ext, result.display_name)
    assert found == {
        "lokale.csv": ("text/csv", "csv", "lokale.csv"),
        "eksport.xlsx": (uploads.XLSX, "xlsx", "eksport.xlsx"),
        "eksport.zip": ("application/zip", "zip", "eksport.zip"),
    }


@pytest.mark.parametrize("data", [PDF, JPEG, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64])
def test_export_kind_refuses_other_types_naming_the_file(data):
    problems = Problems()
    assert uploads.check(Upload("eksport.xls", data), uploads.EXPORT, "Plik „eksport.xls”", problems) is None
    assert [str(p) for p in problems] == [
        "Plik „eksport.xls”: dozwolone są tylko pliki CSV, XLSX i ZIP (sprawdzamy zawartość pliku)."
    ]


def test_text_is_a_csv_only_where_the_kind_takes_csv():
    problems = Problems()
    assert uploads.check(Upload("a.csv", b"a;b\n"), uploads.INBOX_ATTACHMENT, "Załącznik", problems) is None
    assert problems
