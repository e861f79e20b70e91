"""Wiadomości: messages for the chosen premises, newest first; opening one marks it read."""

from __future__ import annotations

import streamlit as st

from ebok.core import text
from ebok.core.i18n import N_, _
from ebok.domain import messages
from ebok.web import forms, guard

user, premises_id, _version = guard.require_resident_page(N_("Wiadomości"))

OPEN_KEY = "_messages_open"


def _open(key: str) -> None:
    """Remember which message to show (runs before the rerun, so it is marked read first)."""
    st.session_state[OPEN_KEY] = (premises_id, key)


items = messages.for_premises(user.username, premises_id)
shown = None
opened = st.session_state.get(OPEN_KEY)
if opened and opened[0] == premises_id:
    try:
        shown = messages.open_from(user.username, items, opened[1])
    except messages.NotFound:
        st.session_state.pop(OPEN_KEY, None)
    else:
        items = [shown if m.key == shown.key else m for m in items]
unread = sum(1 for m in items if not m.read)
if not items:
    st.info(_("Nie ma wiadomości dla tego lokalu."))
    st.stop()
st.caption(_("Nieprzeczytane: {unread} z {total}").format(unread=unread, total=len(items)))

left, right = st.columns([2, 3])
with left:
    for m in items:
        mark = ":blue[●] **" if not m.read else ""
        end = "**" if not m.read else ""
        label = f"{mark}{text.escape_markdown(m.subject)}{end}  \n{m.published_label}"
        st.button(
            label,
            key=f"msg-{m.key}",
            on_click=_open,
            args=(m.key,),
            width="stretch",
            type="primary" if shown is not None and shown.key == m.key else "secondary",
        )

with right:
    if shown is None:
        st.info(_("Wybierz wiadomość z listy, aby ją przeczytać."))
    else:
        st.subheader(text.escape_markdown(shown.subject))
        source = _("Biuro (e-BOK)") if shown.source == messages.SOURCE_OFFICE else _("Biuro")
        st.caption(
            _("{published} · {source} · adresaci: {audience}").format(
                published=shown.published_label, source=source, audience=shown.audience_label
            )
        )
        forms.safe_text(shown.body)
        if shown.attachment_name:
            attachment = messages.resident_attachment(user.username, premises_id, shown.key)
            st.download_button(
                _("Pobierz załącznik: {filename}").format(filename=text.escape_markdown(attachment.filename)),
                data=attachment.data,
                file_name=attachment.filename,
                mime=attachment.mime,
                key=f"att-{shown.key}",
            )
