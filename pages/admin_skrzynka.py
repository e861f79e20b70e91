"""Skrzynka zgłoszeń: the office's inbox of contact messages and fault reports.

Everything a resident wrote is shown with st.text (inert); labels hold only codes, dates and our names.
"""

from __future__ import annotations

import streamlit as st

from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import inbox
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Skrzynka zgłoszeń"))

FLASH = "_inbox_office_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

counts = inbox.status_counts()
for column, (status, label) in zip(st.columns(len(inbox.STATUSES)), inbox.STATUSES.items(), strict=True):
    column.metric(_(label), counts[status])

# Labels are Polish msgids (inbox.STATUSES too), translated where shown.
KIND_FILTER = {"": N_("Wszystkie"), "contact": N_("Wiadomości"), "fault": N_("Awarie")}
STATUS_FILTER = {"": N_("Wszystkie"), **inbox.STATUSES}
ASSIGNED_FILTER = {"*": N_("Wszyscy"), "me": N_("Przydzielone do mnie"), "": N_("Nieprzydzielone")}
c1, c2, c3 = st.columns(3)
kind = c1.selectbox(_("Rodzaj"), list(KIND_FILTER), format_func=lambda k: _(KIND_FILTER[k]), key="inbox_kind")
status = c2.selectbox(
    _("Status"), list(STATUS_FILTER), format_func=lambda s: _(STATUS_FILTER[s]), key="inbox_status"
)
assigned = c3.selectbox(
    _("Przydział"), list(ASSIGNED_FILTER), format_func=lambda a: _(ASSIGNED_FILTER[a]), key="inbox_assigned"
)

items = inbox.office_items(
    kind=kind or None,
    status=status or None,
    assigned_to=None if assigned == "*" else (user.username if assigned == "me" else ""),
)
if not items:
    st.info(_("Brak zgłoszeń spełniających kryteria."))
    st.stop()

# A table of codes, dates and names (rendered as plain cells, never as Markdown).
st.dataframe(
    [
        {
            _("Numer"): i.reference,
            _("Rodzaj"): _(inbox.KIND_LABELS[i.kind]),
            _("Temat"): i.topic_label,
            _("Miejsce"): i.place_label or "",
            _("Lokal"): i.premises_id,
            _("Mieszkaniec"): i.username,
            _("Wysłano"): forms.when(i.created_at),
            _("Status"): i.status_label,
            _("Przydzielono"): i.assigned_to or "",
        }
        for i in items
    ],
    hide_index=True,
    width="stretch",
)

by_id = {i.item_id: i for i in items}
chosen = st.selectbox(
    _("Zgłoszenie"),
    list(by_id),
    format_func=lambda item_id: forms.item_label(by_id[item_id], office=True),
    key="inbox_item",
)
item = inbox.office_item(chosen)

st.subheader(f"{item.reference} · {_(inbox.KIND_LABELS[item.kind])} · {item.topic_label}")
st.caption(
    _("Status: {status} · przydzielono: {who}").format(
        status=item.status_label, who=inbox.escape_markdown(item.assigned_to or _("nikomu"))
    )
)
forms.item_details(item, office=True, load_attachment=lambda i=item.item_id: inbox.office_attachment(i).data)
reply_mail = inbox.reply_mail_state(item)
if reply_mail is not None:  # what really happened to the e-mail about the last reply
    st.caption(_("E-mail o odpowiedzi: {state}").format(state=reply_mail.label))
st.markdown(_("**Historia**"))
forms.history(item)


def _done(message: str) -> None:
    """Remember the confirmation for the next run and rerun with fresh data."""
    st.session_state[FLASH] = message
    st.rerun()


tab_reply, tab_status, tab_assign = st.tabs([_("Odpowiedz"), _("Zmień status"), _("Przydziel")])
with tab_reply, st.form(f"reply-{item.item_id}", clear_on_submit=True):
    text = st.text_area(_("Odpowiedź"), max_chars=inbox.REPLY_MAX, height=160)
    # "" lets the domain decide: a reply takes a new item up (Nowe → W toku), otherwise no change.
    keep = inbox.status_after_reply(item.status)
    automatic = (
        _("bez zmiany ({status})").format(status=item.status_label)
        if keep == item.status
        else _("{status} (domyślnie)").format(status=_(inbox.STATUSES[keep]))
    )
    new_status = st.selectbox(
        _("Status po odpowiedzi"),
        ["", *inbox.STATUSES],
        format_func=lambda s: _(inbox.STATUSES[s]) if s in inbox.STATUSES else automatic,
    )
    if st.form_submit_button(_("Wyślij odpowiedź"), type="primary"):
        try:
            _reply_id, mailed = inbox.reply(
                item.item_id, text, actor=user.username, status=new_status or None
            )
        except FormError as exc:
            forms.show_problems(exc)
        else:
            _done(
                _(
                    "Odpowiedź do {number} zapisana. Powiadomienie e-mail do mieszkańca jest w kolejce do wysłania."
                ).format(number=item.reference)
                if mailed
                else _("Odpowiedź do {number} zapisana. (bez e-maila: brak zgody lub adresu).").format(
                    number=item.reference
                )
            )

with tab_status, st.form(f"status-{item.item_id}", clear_on_submit=True):
    statuses = list(inbox.STATUSES)
    target = st.selectbox(
        _("Nowy status"),
        statuses,
        index=statuses.index(item.status),
        format_func=lambda s: _(inbox.STATUSES[s]),
    )
    comment = st.text_area(_("Komentarz (widoczny dla mieszkańca, opcjonalnie)"), max_chars=inbox.COMMENT_MAX)
    if st.form_submit_button(_("Zmień status")):
        try:
            inbox.set_status(item.item_id, target, actor=user.username, comment=comment)
        except FormError as exc:
            forms.show_problems(exc)
        else:
            _done(
                _("Status {number}: {status}.").format(
                    number=item.reference, status=_(inbox.STATUSES[target])
                )
            )

with tab_assign, st.form(f"assign-{item.item_id}"):
    staff = inbox.office_users()
    options = ["", *staff]
    current = item.assigned_to if item.assigned_to in staff else ""
    who = st.selectbox(
        _("Przydziel do"), options, index=options.index(current), format_func=lambda u: u or _("nikogo")
    )
    if st.form_submit_button(_("Zapisz przydział")):
        try:
            inbox.assign(item.item_id, who or None, actor=user.username, office_users=staff)
        except FormError as exc:
            forms.show_problems(exc)
        else:
            _done(_("{number}: przydzielono {who}.").format(number=item.reference, who=who or _("nikomu")))
