"""Napisz do nas: the office's contact data, the contact form and the history of messages."""

from __future__ import annotations

import streamlit as st

from ebok.core import config, uploads
from ebok.core.i18n import N_, _
from ebok.domain import inbox
from ebok.web import failure, forms, guard

user, premises_id, _version = guard.require_resident_page(N_("Napisz do nas"), "contact")

company = config.load().company
with st.container(border=True):
    st.subheader(company.name or _("Biuro obsługi"))
    rows = [
        (_("Adres"), company.address),
        (_("E-mail"), company.email),
        (_("Telefon"), ", ".join(company.phones)),
        (_("NIP"), company.nip),
        (_("REGON"), company.regon),
        (
            _("Rachunek bankowy"),
            " ".join(filter(None, [company.bank_account, company.bank_name and f"({company.bank_name})"])),
        ),
    ]
    for label, value in rows:
        if value:
            st.markdown(f"**{label}:** {inbox.escape_markdown(value)}")
    if company.office_hours:
        st.markdown(_("**Godziny pracy biura:**"))
        st.text(company.office_hours)

KEY = "_inbox_contact_key"
FLASH = "_inbox_contact_flash"
form_key = forms.form_key(KEY, FLASH)

st.subheader(_("Nowa wiadomość"))
# The form's key is the submission's idempotency key: a repeated click saves once, and a new key
# after success gives an empty form.
with st.form(f"kontakt-{form_key}"):
    topic = st.selectbox(
        _("Temat"),
        list(inbox.CONTACT_TOPICS),
        format_func=lambda key: _(inbox.CONTACT_TOPICS[key]),
        index=None,
        placeholder=_("Wybierz temat"),
    )
    text = st.text_area(
        _("Treść"),
        max_chars=inbox.TEXT_MAX,
        height=200,
        help=_("Od {low} do {high} znaków.").format(low=inbox.TEXT_MIN, high=inbox.TEXT_MAX),
    )
    attachment = st.file_uploader(
        _("Załącznik (opcjonalnie)"),
        type=["jpg", "jpeg", "png", "pdf"],
        help=_("Zdjęcie JPEG/PNG albo dokument PDF, najwyżej {size} MB.").format(
            size=uploads.INBOX_ATTACHMENT.max_mb
        ),
        # Our limit, stated by the uploader; a file over it is refused in the browser and the
        # form is then not sent (ebok/web/upload_guard.js); uploads.check refuses it on the server too.
        max_upload_size=uploads.INBOX_ATTACHMENT.max_mb,
    )
    sent = st.form_submit_button(_("Wyślij wiadomość"), type="primary")

if sent:
    # A store refusing the write (disk full, read-only) is told as such; nothing is saved.
    with failure.writing(_("Wiadomość nie została wysłana")):
        forms.submit(
            KEY,
            FLASH,
            lambda key: inbox.submit_contact(
                username=user.username,
                premises_id=premises_id,
                customer_id=user.customer_id,
                email=user.email,
                topic=topic or "",
                text=text,
                attachment=forms.upload_from(attachment),
                idempotency_key=key,
            ),
            _("Wiadomość {reference} została wysłana. Odpowiedź biura pojawi się poniżej."),
        )

st.subheader(_("Wysłane wiadomości"))
forms.resident_items(
    user.username,
    premises_id,
    "contact",
    empty=_("Nie wysłano jeszcze żadnej wiadomości z tego lokalu."),
    history_title=_("Historia"),
    expand_replied=True,
)
