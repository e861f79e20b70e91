"""Zgłoś awarię: the fault report form and the list of reports with their status history."""

from __future__ import annotations

import streamlit as st

from ebok.core import config, uploads
from ebok.core.i18n import N_, _, pgettext
from ebok.domain import inbox
from ebok.web import failure, forms, guard

user, premises_id, _version = guard.require_resident_page(N_("Zgłoś awarię"), "faults")
st.warning(
    _(
        "Czujesz gaz, widzisz zalanie albo iskrzenie? Nie czekaj na odpowiedź przez e-BOK: "
        "dzwoń na numer alarmowy 112 (pogotowie gazowe 992)."
    ),
    icon=":material/emergency:",
)
phones = config.load().company.phones
if phones:
    st.caption(_("Telefon biura: {phones}").format(phones=inbox.escape_markdown(", ".join(phones))))

KEY = "_inbox_fault_key"
FLASH = "_inbox_fault_flash"
form_key = forms.form_key(KEY, FLASH)

st.subheader(_("Nowe zgłoszenie"))
# The form's key is the submission's idempotency key (see pages/kontakt.py).
with st.form(f"awaria-{form_key}"):
    category = st.selectbox(
        _("Kategoria"),
        list(inbox.FAULT_CATEGORIES),
        format_func=lambda key: _(inbox.FAULT_CATEGORIES[key]),
        index=None,
        placeholder=_("Wybierz kategorię"),
    )
    place = st.selectbox(
        _("Miejsce"),
        list(inbox.FAULT_PLACES),
        format_func=lambda key: _(inbox.FAULT_PLACES[key]),
        index=None,
        placeholder=_("Twój lokal albo część wspólna"),
    )
    place_detail = st.text_input(
        _("Dokładne miejsce (opcjonalnie)"),
        max_chars=inbox.PLACE_DETAIL_MAX,
        placeholder=_("np. klatka B, 3. piętro, przy windzie"),
    )
    description = st.text_area(
        _("Opis"),
        max_chars=inbox.TEXT_MAX,
        height=160,
        help=_("Co się stało i od kiedy; od {low} do {high} znaków.").format(
            low=inbox.TEXT_MIN, high=inbox.TEXT_MAX
        ),
    )
    photo = st.file_uploader(
        _("Zdjęcie (opcjonalnie)"),
        type=["jpg", "jpeg", "png"],
        help=_("JPEG albo PNG, najwyżej {size} MB.").format(size=uploads.FAULT_PHOTO.max_mb),
        # Our limit, stated by the uploader; a file over it is refused in the browser and the
        # form is then not sent (ebok/web/upload_guard.js); uploads.check refuses it on the server too.
        max_upload_size=uploads.FAULT_PHOTO.max_mb,
    )
    sent = st.form_submit_button(_("Zgłoś awarię"), type="primary")

if sent:
    # A store refusing the write (disk full, read-only) is told as such; nothing is saved.
    with failure.writing(_("Zgłoszenie nie zostało wysłane")):
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
            _("Zgłoszenie {reference} zostało przyjęte."),
        )

st.subheader(pgettext("awaria", "Moje zgłoszenia"))
forms.resident_items(
    user.username,
    premises_id,
    "fault",
    empty=_("Nie zgłoszono jeszcze żadnej awarii z tego lokalu."),
    history_title=_("Historia zgłoszenia"),
    expand_replied=False,
)
