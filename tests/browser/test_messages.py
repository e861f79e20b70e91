"""Office message with an attachment in a real browser: published by admin, read by a resident."""

from __future__ import annotations

import pytest

from tests.helpers import browser as B

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBJECT = "Przegląd kominiarski — test przeglądarki"


def _attach(page, path) -> None:  # type: ignore[no-untyped-def]
    """Choose PATH in the form's file uploader and wait until the upload is listed."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stFileChipName"]', has_text=path.name).wait_for()
    B.settle(page)


def test_admin_publishes_with_attachment_and_resident_reads(chromium, app_server, server_store, tmp_path):
    from ebok.domain import messages

    upload = tmp_path / "harmonogram.pdf"
    upload.write_bytes(PDF)
    fake = tmp_path / "wirus.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf at all")

    admin_ctx = chromium.new_context(base_url=app_server.url, viewport=B.DESKTOP, locale="pl-PL")
    admin_ctx.set_default_timeout(30_000)
    admin = admin_ctx.new_page()
    B.login(admin, "admin", B.ADMIN_PASSWORD)
    B.nav_to(admin, "Komunikaty")

    # A file that only pretends to be a PDF is refused by its content, naming the field.
    admin.get_by_label("Temat").fill(SUBJECT)
    admin.get_by_label("Treść").fill("Kominiarz odwiedzi wszystkie lokale w przyszłym tygodniu.")
    _attach(admin, fake)
    admin.get_by_role("button", name="Opublikuj").click()
    B.settle(admin)
    assert "Załącznik: dozwolone są tylko pliki PDF, JPEG i PNG" in B.main_text(admin)
    assert all(v.subject != SUBJECT for v in messages.office_overview(include_export=False))

    # The real PDF goes through.
    admin.get_by_label("Temat").fill(SUBJECT)
    admin.get_by_label("Treść").fill("Kominiarz odwiedzi wszystkie lokale w przyszłym tygodniu.")
    _attach(admin, upload)
    admin.get_by_role("button", name="Opublikuj").click()
    B.settle(admin)
    assert "Komunikat opublikowany." in B.main_text(admin)
    view = next(v for v in messages.office_overview(include_export=False) if v.subject == SUBJECT)
    assert view.attachment_name == "harmonogram.pdf" and view.reads == 0
    admin.screenshot(path=str(B.SCREENSHOTS / "komunikaty-admin.png"), full_page=True)

    resident_ctx = chromium.new_context(
        base_url=app_server.url, viewport=B.DESKTOP, locale="pl-PL", accept_downloads=True
    )
    resident_ctx.set_default_timeout(30_000)
    resident = resident_ctx.new_page()
    B.login(resident, "anna.nowak", B.RESIDENT_PASSWORD)
    B.nav_to(resident, "Wiadomości")
    resident.get_by_role("button", name=SUBJECT).click()
    B.settle(resident)
    assert "Kominiarz odwiedzi wszystkie lokale" in B.main_text(resident)
    with resident.expect_download() as info:
        resident.get_by_role("button", name="Pobierz załącznik: harmonogram.pdf").click()
    download = info.value
    assert download.suggested_filename == "harmonogram.pdf"
    assert open(download.path(), "rb").read() == PDF
    resident.screenshot(path=str(B.SCREENSHOTS / "wiadomosci-resident.png"), full_page=True)

    view = next(v for v in messages.office_overview(include_export=False) if v.subject == SUBJECT)
    assert view.reads == 1
    done, _pending = messages.readers(view.key)
    assert [r.username for r in done] == ["anna.nowak"]
    admin_ctx.close()
    resident_ctx.close()
