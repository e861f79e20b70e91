"""Form pieces shared by pages: the contact, fault and office inbox forms, literal text.

Everything a resident (or the office) typed is rendered with st.text, never as Markdown or HTML;
Markdown is used only for our own fixed labels.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ebok.core import fmt, idempotency, uploads
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.domain import inbox


def when(value) -> str:  # type: ignore[no-untyped-def]
    """Format a stored UTC moment in Polish local time: 21.11.2026 14:05."""
    return fmt.local_datetime(value)


def item_label(item: inbox.Item, *, office: bool = False) -> str:
    """Return a one-line label of codes, dates and fixed names (the resident variant is Markdown-safe)."""
    parts = [item.reference, item.topic_label, when(item.created_at), item.status_label]
    if office:
        parts.insert(1, _(inbox.KIND_LABELS[item.kind]))
        parts.append(
            _("lokal {premises}").format(premises=item.premises_id)
        )  # office variant: plain-text selectbox only
    return " · ".join(parts)


def upload_from(file) -> uploads.Upload | None:  # type: ignore[no-untyped-def]
    """Turn a st.file_uploader value into an uploads.Upload (None when nothing was chosen)."""
    if file is None:
        return None
    return uploads.Upload(name=str(file.name or ""), data=file.getvalue())


def show_problems(error: FormError) -> None:
    """Show each refused field of a form as its own error line (messages are ours, never user text)."""
    for message in error.messages:
        st.error(message)


def item_details(
    item: inbox.Item, *, office: bool = False, load_attachment: Callable[[], bytes] | None = None
) -> None:
    """Render an item's fields, its text (inert) and, given a loader, its attachment download."""
    if item.kind == "fault":
        st.markdown(_("**Miejsce:** {place}").format(place=item.place_label))
        if item.place_detail:
            st.caption(_("Dokładne miejsce"))
            st.text(item.place_detail)
    if office:
        st.caption(_("Mieszkaniec (login)"))
        st.text(item.username)
        if item.contact_email:
            st.caption(_("E-mail konta"))
            st.text(item.contact_email)
    st.caption(_("Treść") if item.kind == "contact" else _("Opis"))
    st.text(item.body)
    if item.attachment_name and load_attachment is not None:
        contact = item.kind == "contact"
        size_kb = fmt.number((item.attachment_size or 0) / 1024, 0)
        caption = _("Załącznik ({size} KB)") if contact else _("Zdjęcie ({size} KB)")
        st.caption(caption.format(size=size_kb))
        st.text(item.attachment_name)
        st.download_button(
            _("Pobierz: załącznik") if contact else _("Pobierz: zdjęcie"),
            data=load_attachment,  # read only when clicked, through the caller's scoped query
            file_name=item.attachment_name,
            mime=item.attachment_type,
            key=f"download-{item.item_id}",
            icon=":material/download:",
        )


def history(item: inbox.Item) -> None:
    """Render the item's history: who, when, what; comments and replies as inert text."""
    for event in item.events:
        who = inbox.escape_markdown(event.username)
        st.markdown(f"**{when(event.at)}** — {inbox.escape_markdown(event.label)} ({who})")
        if event.text:
            st.text(event.text)


def form_key(key_name: str, flash_name: str) -> str:
    """Return the form's idempotency key (kept in session until a success) and show a pending flash."""
    if key_name not in st.session_state:
        st.session_state[key_name] = idempotency.new_key()
    if flash_name in st.session_state:
        st.success(st.session_state.pop(flash_name))
    return st.session_state[key_name]


def submit(key_name: str, flash_name: str, send: Callable[[str], inbox.Submitted], flash: str) -> None:
    """Call SEND with the form's key; show refused fields, or flash FLASH ({reference}) and start a new form."""
    try:
        result = send(st.session_state[key_name])
    except FormError as exc:
        show_problems(exc)
    else:
        st.session_state[flash_name] = flash.format(reference=result.reference)
        st.session_state[key_name] = idempotency.new_key()
        st.rerun()


def resident_items(
    username: str, premises_id: str, kind: str, *, empty: str, history_title: str, expand_replied: bool
) -> None:
    """List the resident's own items of KIND with details, attachment download and history."""
    items = inbox.resident_items(username, premises_id, kind=kind)
    if not items:
        st.info(empty)
    for item in items:
        expanded = expand_replied and bool(item.replies) and item is items[0]
        with st.expander(item_label(item), expanded=expanded):
            item_details(
                item,
                load_attachment=lambda i=item.item_id: (
                    inbox.resident_attachment(username, premises_id, i).data
                ),
            )
            st.markdown(f"**{history_title}**")
            history(item)


def safe_text(text: str) -> None:
    """Render a resident's text literally (no links, images, HTML or formatting)."""
    st.text(str(text))
