"""A form is not sent while its uploader holds a file the browser refused (issue 13 §5), in chromium.

Streamlit refuses a file over the uploader's limit in the browser, so it never reaches the server;
the contact form was then sent without the attachment, and the resident was told it was sent.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import browser as B

pytestmark = pytest.mark.browser

TEXT = "Proszę o sprawdzenie naliczenia za wodę, w załączniku skan faktury."


def _messages(subject_text: str) -> int:
    from ebok.storage import store
    from ebok.storage.tables import inbox_items

    with store.engine().connect() as con:
        return int(
            con.execute(
                sa.select(sa.func.count()).select_from(inbox_items).where(inbox_items.c.body == subject_text)
            ).scalar()
        )


def test_a_50_mb_attachment_stops_the_contact_form_naming_the_file_and_the_limit(
    page, server_store, tmp_path
):
    scan = tmp_path / "skan-faktury.pdf"
    with scan.open("wb") as fh:  # 50 MB: what a phone's scanner app makes of a few pages
        fh.write(b"%PDF-1.7\n")
        fh.truncate(50 * 1024 * 1024)
    B.login(page, "anna.nowak", B.RESIDENT_PASSWORD)
    B.nav_to(page, "Napisz do nas")
    topic = page.locator('[data-testid="stSelectbox"]', has_text="Temat").locator("input")
    topic.scroll_into_view_if_needed()
    topic.click()
    page.get_by_role("option", name="Opłaty i rozliczenia").click()
    page.get_by_role("textbox", name="Treść").fill(TEXT)
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(scan))
    chip = page.locator('[data-testid="stFileChip"][aria-invalid="true"]')
    chip.wait_for()
    page.get_by_role("button", name="Wyślij wiadomość").click()
    note = page.locator("[data-ebok-upload-refused]")
    note.wait_for()
    said = note.inner_text()
    assert "Formularza nie wysłano" in said and "„skan-faktury.pdf”" in said
    assert "5,0 MB" in said  # the form's own limit, in a Polish number
    page.wait_for_timeout(1500)  # had the click gone through, the rerun would have saved it by now
    B.wait_idle(page)
    assert _messages(TEXT) == 0
    assert "wysłana" not in B.main_text(page)  # never "sent"
    # The resident removes the file and sends: the message goes, without an attachment, as shown.
    page.get_by_role("button", name="Usuń skan-faktury.pdf").click()
    note.wait_for(state="detached")
    page.get_by_role("button", name="Wyślij wiadomość").click()
    B.settle(page)
    for _ in range(40):
        if _messages(TEXT) == 1:
            break
        page.wait_for_timeout(250)
    assert _messages(TEXT) == 1
