"""Skrzynka zgłoszeń: the office's inbox of contact messages and fault reports.

Everything a resident wrote is shown with st.text (inert); labels hold only codes, dates and our names.
"""

from __future__ import annotations

import streamlit as st

from ebok.core.errors import FormError
from ebok.domain import inbox
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title("Skrzynka zgłoszeń")

FLASH = "_inbox_office_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

counts = inbox.status_counts()
for column, (status, label) in zip(st.columns(len(inbox.STATUSES)), inbox.STATUSES.items(), strict=True):
    column.metric(label, counts[status])

KIND_FILTER = {"": "Wszystkie", "contact": "Wiadomości", "fault": "Awarie"}
STATUS_FILTER = {"": "Wszystkie", **inbox.STATUSES}
ASSIGNED_FILTER = {"*": "Wszyscy", "me": "Przydzielone do mnie", "": "Nieprzydzielone"}
c1, c2, c3 = st.columns(3)
kind = c1.selectbox("Rodzaj", list(KIND_FILTER), format_func=KIND_FILTER.get, key="inbox_kind")
status = c2.selectbox("Status", list(STATUS_FILTER), format_func=STATUS_FILTER.get, key="inbox_status")
assigned = c3.selectbox(
    "Przydział", list(ASSIGNED_FILTER), format_func=ASSIGNED_FILTER.get, key="inbox_assigned"
)

items = inbox.office_items(
    kind=kind or None,
    status=status or None,
    assigned_to=None if assigned == "*" else (user.username if assigned == "me" else ""),
)
if not items:
    st.info("Brak zgłoszeń spełniających kryteria.")
    st.stop()

# A table of codes, dates and names (rendered as plain cells, never as Markdown).
st.dataframe(
    [
        {
            "Numer": i.reference,
            "Rodzaj": inbox.KIND_LABELS[i.kind],
            "Temat": i.topic_label,
            "Miejsce": i.place_label or "",
            "Lokal": i.premises_id,
            "Mieszkaniec": i.username,
            "Wysłano": forms.when(i.created_at),
            "Status": i.status_label,
            "Przydzielono": i.assigned_to or "",
        }
        for i in items
    ],
    hide_index=True,
    width="stretch",
)

by_id = {i.item_id: i for i in items}
chosen = st.selectbox(
    "Zgłoszenie",
    list(by_id),
    format_func=lambda item_id: forms.item_label(by_id[item_id], office=True),
    key="inbox_item",
)
item = inbox.office_item(chosen)

st.subheader(f"{item.reference} · {inbox.KIND_LABELS[item.kind]} · {item.topic_label}")
st.caption(
    f"Status: {item.status_label} · przydzielono: {inbox.escape_markdown(item.assigned_to or 'nikomu')}"
)
forms.item_details(item, office=True, load_attachment=lambda i=item.item_id: inbox.office_attachment(i).data)
reply_mail = inbox.reply_mail_state(item)
if reply_mail is not None:  # what really happened to the e-mail about the last reply
    st.caption(f"E-mail o odpowiedzi: {reply_mail.label}")
st.markdown("**Historia**")
forms.history(item)


def _done(message: str) -> None:
    """Remember the confirmation for the next run and rerun with fresh data."""
    st.session_state[FLASH] = message
    st.rerun()


tab_reply, tab_status, tab_assign = st.tabs(["Odpowiedz", "Zmień status", "Przydziel"])
with tab_reply, st.form(f"reply-{item.item_id}", clear_on_submit=True):
    text = st.text_area("Odpowiedź", max_chars=inbox.REPLY_MAX, height=160)
    # "" lets the domain decide: a reply takes a new item up (Nowe → W toku), otherwise no change.
    keep = inbox.status_after_reply(item.status)
    automatic = (
        f"bez zmiany ({item.status_label})" if keep == item.status else f"{inbox.STATUSES[keep]} (domyślnie)"
    )
    new_status = st.selectbox(
        "Status po odpowiedzi",
        ["", *inbox.STATUSES],
        format_func=lambda s: inbox.STATUSES.get(s, automatic),
    )
    if st.form_submit_button("Wyślij odpowiedź", type="primary"):
        try:
            _, mailed = inbox.reply(item.item_id, text, actor=user.username, status=new_status or None)
        except FormError as exc:
            forms.show_problems(exc)
        else:
            extra = (
                " Powiadomienie e-mail do mieszkańca jest w kolejce do wysłania."
                if mailed
                else " (bez e-maila: brak zgody lub adresu)."
            )
            _done(f"Odpowiedź do {item.reference} zapisana.{extra}")

with tab_status, st.form(f"status-{item.item_id}", clear_on_submit=True):
    statuses = list(inbox.STATUSES)
    target = st.selectbox(
        "Nowy status", statuses, index=statuses.index(item.status), format_func=inbox.STATUSES.get
    )
    comment = st.text_area("Komentarz (widoczny dla mieszkańca, opcjonalnie)", max_chars=inbox.COMMENT_MAX)
    if st.form_submit_button("Zmień status"):
        try:
            inbox.set_status(item.item_id, target, actor=user.username, comment=comment)
        except FormError as exc:
            forms.show_problems(exc)
        else:
            _done(f"Status {item.reference}: {inbox.STATUSES[target]}.")

with tab_assign, st.form(f"assign-{item.item_id}"):
    staff = inbox.office_users()
    options = ["", *staff]
    current = item.assigned_to if item.assigned_to in staff else ""
    who = st.selectbox(
        "Przydziel do", options, index=options.index(current), format_func=lambda u: u or "nikogo"
    )
    if st.form_submit_button("Zapisz przydział"):
        try:
            inbox.assign(item.item_id, who or None, actor=user.username, office_users=staff)
        except FormError as exc:
            forms.show_problems(exc)
        else:
            _done(f"{item.reference}: przydzielono {who or 'nikomu'}.")
