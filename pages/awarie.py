"""Zgłoś awarię: the fault report form and the list of reports with their status history."""

from __future__ import annotations

import streamlit as st

from ebok.core import config, uploads
from ebok.domain import inbox
from ebok.web import failure, forms, guard

user, premises_id, _version = guard.require_resident_page("Zgłoś awarię", "faults")
st.warning(
    "Czujesz gaz, widzisz zalanie albo iskrzenie? Nie czekaj na odpowiedź przez e-BOK: "
    "dzwoń na numer alarmowy 112 (pogotowie gazowe 992).",
    icon=":material/emergency:",
)
phones = config.load().company.phones
if phones:
    st.caption(f"Telefon biura: {inbox.escape_markdown(', '.join(phones))}")

KEY = "_inbox_fault_key"
FLASH = "_inbox_fault_flash"
form_key = forms.form_key(KEY, FLASH)

st.subheader("Nowe zgłoszenie")
# The form's key is the submission's idempotency key (see pages/kontakt.py).
with st.form(f"awaria-{form_key}"):
    category = st.selectbox(
        "Kategoria",
        list(inbox.FAULT_CATEGORIES),
        format_func=inbox.FAULT_CATEGORIES.get,
        index=None,
        placeholder="Wybierz kategorię",
    )
    place = st.selectbox(
        "Miejsce",
        list(inbox.FAULT_PLACES),
        format_func=inbox.FAULT_PLACES.get,
        index=None,
        placeholder="Twój lokal albo część wspólna",
    )
    place_detail = st.text_input(
        "Dokładne miejsce (opcjonalnie)",
        max_chars=inbox.PLACE_DETAIL_MAX,
        placeholder="np. klatka B, 3. piętro, przy windzie",
    )
    description = st.text_area(
        "Opis",
        max_chars=inbox.TEXT_MAX,
        height=160,
        help=f"Co się stało i od kiedy; od {inbox.TEXT_MIN} do {inbox.TEXT_MAX} znaków.",
    )
    photo = st.file_uploader(
        "Zdjęcie (opcjonalnie)",
        type=["jpg", "jpeg", "png"],
        help=f"JPEG albo PNG, najwyżej {uploads.FAULT_PHOTO.max_mb} MB.",
        # Our limit, stated by the uploader; a file over it is refused in the browser and the
        # form is then not sent (ebok/web/upload_guard.js); uploads.check refuses it on the server too.
        max_upload_size=uploads.FAULT_PHOTO.max_mb,
    )
    sent = st.form_submit_button("Zgłoś awarię", type="primary")

if sent:
    # A store refusing the write (disk full, read-only) is told as such; nothing is saved.
    with failure.writing("Zgłoszenie nie zostało wysłane"):
        forms.submit(
            KEY,
            FLASH,
            lambda key: inbox.submit_fault(
                username=user.username,
                premises_id=premises_id,
                customer_id=user.customer_id,
                email=user.email,
                category=category or "",
                place=place or "",
                place_detail=place_detail,
                description=description,
                photo=forms.upload_from(photo),
                idempotency_key=key,
            ),
            "Zgłoszenie {reference} zostało przyjęte.",
        )

st.subheader("Moje zgłoszenia")
forms.resident_items(
    user.username,
    premises_id,
    "fault",
    empty="Nie zgłoszono jeszcze żadnej awarii z tego lokalu.",
    history_title="Historia zgłoszenia",
    expand_replied=False,
)
