"""Komunikaty: the office writes to everyone, a building, a community or one customer, and sees reads."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.core.i18n import _, ngettext
from ebok.domain import messages
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Komunikaty"))

FLASH = "_komunikaty_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

tab_new, tab_sent = st.tabs([_("Nowy komunikat"), _("Wysłane i odczyty")])

with tab_new:
    targets = messages.audience_targets()
    audience = st.selectbox(
        _("Adresaci"),
        list(messages.AUDIENCES),
        format_func=lambda a: _(messages.AUDIENCES[a]),
        key="msg_audience",
    )
    with st.form("new_message"):
        target = None
        if audience != "all":
            options = targets[audience]
            labels = dict(options)
            if not options:
                st.warning(_("Brak danych z systemu księgowego: nie ma z czego wybrać adresata."))
            target = st.selectbox(
                _(messages.AUDIENCES[audience]),
                [t for t, _label in options],
                format_func=labels.get,
                key="msg_target",
            )
        subject = st.text_input(_("Temat"), max_chars=messages.SUBJECT_MAX, key="msg_subject")
        body = st.text_area(_("Treść"), height=200, max_chars=messages.BODY_MAX, key="msg_body")
        valid_until = st.date_input(
            _("Ważny do (opcjonalnie)"), value=None, format="DD.MM.YYYY", key="msg_until"
        )
        upload = st.file_uploader(
            _("Załącznik (PDF, JPEG lub PNG)"), type=["pdf", "jpg", "jpeg", "png"], key="msg_file"
        )
        if st.form_submit_button(_("Opublikuj"), type="primary"):
            attachment = forms.upload_from(upload)
            try:
                messages.publish(user.username, audience, target, subject, body, attachment, valid_until)
            except FormError as exc:
                forms.show_problems(exc)
            else:
                # Empty the form only after a successful publish; a refused one keeps what was typed.
                for key in ("msg_subject", "msg_body", "msg_until", "msg_file"):
                    st.session_state.pop(key, None)
                st.session_state[FLASH] = _("Komunikat opublikowany.")
                st.rerun()

with tab_sent:
    views = messages.office_overview()
    if not views:
        st.info(_("Nie ma jeszcze komunikatów."))
    else:
        st.dataframe(
            [
                {
                    _("Data"): fmt.local_datetime(v.published_at)
                    if v.source == messages.SOURCE_OFFICE
                    else fmt.date(v.published_at.date()),
                    _("Źródło"): "e-BOK" if v.source == messages.SOURCE_OFFICE else _("eksport"),
                    _("Adresaci"): v.audience_label,
                    _("Temat"): v.subject,
                    _("Przeczytało"): _("{reads} z {total}").format(reads=v.reads, total=v.recipients),
                    _("Autor"): v.author or "",
                    _("Załącznik"): v.attachment_name or "",
                    _("Wycofany"): _("tak") if v.withdrawn else "",
                }
                for v in views
            ],
            hide_index=True,
            width="stretch",
        )
        by_key = {v.key: v for v in views}
        chosen = st.selectbox(
            _("Komunikat"),
            list(by_key),
            format_func=lambda k: "{subject} ({count})".format(
                subject=by_key[k].subject,
                count=_("{reads} z {total}").format(reads=by_key[k].reads, total=by_key[k].recipients),
            ),
            key="msg_chosen",
        )
        view = by_key[chosen]
        done, pending = messages.readers(chosen)
        total = len(done) + len(pending)
        read_line = ngettext(
            "**Przeczytane: {done} z {n} konta**", "**Przeczytane: {done} z {n} kont**", total
        ).format(done=len(done), n=total)
        st.markdown(read_line)
        c1, c2 = st.columns(2)
        with c1:
            st.caption(_("Przeczytali"))
            st.dataframe(
                [
                    {
                        _("Konto"): r.username,
                        _("Imię i nazwisko"): r.name,
                        _("Kiedy"): fmt.local_datetime(r.read_at),
                    }
                    for r in done
                ],
                hide_index=True,
                width="stretch",
            )
        with c2:
            st.caption(_("Jeszcze nie przeczytali"))
            st.dataframe(
                [{_("Konto"): u, _("Imię i nazwisko"): n} for u, n in pending],
                hide_index=True,
                width="stretch",
            )
        if view.source == messages.SOURCE_OFFICE and not view.withdrawn:
            if st.button(_("Wycofaj komunikat"), key=f"withdraw-{chosen}"):
                messages.withdraw(chosen.split(":", 1)[1], user.username)
                st.session_state[FLASH] = _("Komunikat wycofany: mieszkańcy już go nie zobaczą.")

                st.rerun()
