"""Konta i rejestracje: approve or refuse registrations, create accounts, reset, disable, premises.

All logic lives in ebok.auth.admin; every change goes through the locked auth.yaml writer and the
audit log. Whatever a resident typed (names, e-mails, document numbers) is shown with st.text;
messages that echo typed values are Markdown-escaped.
"""

from __future__ import annotations

import streamlit as st

from ebok.auth import admin, language
from ebok.core import fmt, text
from ebok.core.errors import FormError, Problem
from ebok.core.i18n import N_, _
from ebok.storage import outbox
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Konta i rejestracje"))

FLASH = "_admin_konta_flash"
ONCE = "_admin_konta_start_password"  # (username, password): shown on the next run only, then gone
GEN = "_admin_konta_gen"  # bumps after a success so the input fields start empty
ROLE_FILTER = {"": N_("Wszystkie"), "resident": N_("Mieszkańcy"), "admin": N_("Biuro")}
STATE_FILTER = {"": N_("Wszystkie"), "enabled": N_("Włączone"), "disabled": N_("Wyłączone")}
DISABLED_VALUE = {"": None, "enabled": False, "disabled": True}
NEW_ROLES = {
    "resident": N_("Mieszkaniec (klient z systemu księgowego)"),
    "admin": N_("Biuro (administrator)"),
}


def done(message: str, start_password: tuple[str, str] | None = None) -> None:
    """Remember the outcome, clear the inputs and show the fresh state."""
    st.session_state[FLASH] = message
    if start_password:
        st.session_state[ONCE] = start_password
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
    st.rerun()


def refused(err: FormError) -> None:
    """Show every problem; a message may echo a typed premises id, so each is Markdown-escaped first."""
    escaped = [Problem(p.field, text.escape_markdown(p.message)) for p in err.problems]
    forms.show_problems(FormError(escaped))


def when(value: object) -> str:
    """Format a stored (UTC) moment in Polish time or say it is missing."""
    return fmt.local_datetime(value) if value else "—"  # type: ignore[arg-type]


gen = st.session_state.get(GEN, 0)
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(text.escape_markdown(flash))
once = st.session_state.pop(ONCE, None)
if once:
    st.warning(
        _(
            "Hasło startowe pokazujemy tylko raz — przekaż je właścicielowi konta. Przy pierwszym "
            "logowaniu system wymusi ustawienie własnego hasła."
        )
    )
    st.text(_("Konto: {username}").format(username=once[0]))
    st.code(once[1], language=None)

pending = admin.pending_registrations()
tab_reg, tab_accounts, tab_new = st.tabs(
    [_("Rejestracje ({count})").format(count=len(pending)), _("Konta"), _("Nowe konto")]
)

# --- registrations waiting for approval ----------------------------------------------------------
with tab_reg:
    if not pending:
        st.info(_("Brak rejestracji czekających na zatwierdzenie."))
    for reg in pending:
        rid = reg.registration_id
        with st.container(border=True):
            if reg.manual:
                st.warning(
                    _(
                        "Do weryfikacji ręcznej: dowód nie zgadzał się z danymi z systemu księgowego, "
                        "a mieszkaniec poprosił biuro o sprawdzenie. Zatwierdź dopiero po potwierdzeniu "
                        "tożsamości (np. telefonicznie lub w biurze)."
                    )
                )
            st.text(_("Nazwa użytkownika: {username}").format(username=reg.username))
            st.text(_("Imię i nazwisko: {name}").format(name=reg.name))
            in_wh = reg.warehouse_name if reg.warehouse_name else _("brak w danych z systemu księgowego")
            st.text(
                _("Symbol klienta: {customer} (w systemie księgowym: {name})").format(
                    customer=reg.customer_id, name=in_wh
                )
            )
            if reg.email_verified_at:
                email_line = _("E-mail: {email} (potwierdzony {when})").format(
                    email=reg.email, when=when(reg.email_verified_at)
                )
            else:
                email_line = _("E-mail: {email} (niepotwierdzony)").format(email=reg.email)
            st.text(email_line)
            mail = outbox.state_for(reg.email, since=reg.created_at)  # the real state, not a promise
            st.text(
                _("E-mail do mieszkańca: {state}").format(state=mail.label)
                if mail
                else _("E-mail do mieszkańca: brak")
            )
            st.text(_("Dowód: {proof}").format(proof=reg.proof_label))
            if reg.proof_document:
                st.text(_("Dowód — numer dokumentu: {number}").format(number=reg.proof_document))
            st.text(
                _("Dowód — kwota: {amount}").format(
                    amount=reg.proof_amount if reg.proof_amount is not None else _("nie podana")
                )
            )
            st.text(
                _("Zgodność z księgą: tak — dowód się zgadza")
                if reg.proof_matches
                else _("Zgodność z księgą: NIE — do weryfikacji ręcznej")
            )
            st.text(
                _("Regulamin: wersja {version}, zaakceptowany {when}").format(
                    version=reg.regulations_version, when=when(reg.regulations_accepted_at)
                )
            )
            st.text(
                _("Wysłano: {when} z adresu {address}").format(
                    when=when(reg.created_at), address=reg.client_address or "—"
                )
            )
            reason = st.text_input(
                _("Powód odmowy (otrzyma go mieszkaniec)"),
                key=f"reg_reason_{rid}_{gen}",
                max_chars=admin.MAX_REASON,
            )
            left, right = st.columns(2)
            if left.button(_("Zatwierdź"), key=f"reg_approve_{rid}", type="primary"):
                try:
                    name = admin.approve_registration(rid, user.username)
                except FormError as err:
                    refused(err)
                else:
                    done(
                        _(
                            "Zatwierdzono konto {username}; e-mail do mieszkańca jest w kolejce do wysłania."
                        ).format(username=name)
                    )
            if right.button(_("Odrzuć"), key=f"reg_refuse_{rid}"):
                try:
                    # The e-mail with the reason goes out in the resident's language.
                    name = admin.refuse_registration(
                        rid, user.username, reason, lang=language.for_user(reg.username)
                    )
                except FormError as err:
                    refused(err)
                else:
                    done(
                        _(
                            "Odrzucono rejestrację {username}; e-mail z powodem jest w kolejce do wysłania."
                        ).format(username=name)
                    )

# --- accounts ------------------------------------------------------------------------------------
with tab_accounts:
    c1, c2, c3 = st.columns(3)
    role = c1.selectbox(_("Rola"), list(ROLE_FILTER), format_func=lambda k: _(ROLE_FILTER[k]), key="acc_role")
    state = c2.selectbox(
        _("Stan"), list(STATE_FILTER), format_func=lambda k: _(STATE_FILTER[k]), key="acc_state"
    )
    customer = c3.text_input(_("Symbol klienta (fragment)"), key="acc_customer", max_chars=20)
    accounts = admin.list_accounts(role=role or None, disabled=DISABLED_VALUE[state], customer=customer)
    if not accounts:
        st.info(_("Brak kont spełniających kryteria."))
    else:
        st.dataframe(admin.table_rows(accounts), hide_index=True, width="stretch")
        chosen = st.selectbox(_("Konto"), [a.username for a in accounts], key="acc_user")
        acc = admin.account(chosen)
        if acc is not None:
            with st.container(border=True):
                st.text(_("Konto: {username}").format(username=acc.username))
                st.text(_("Imię i nazwisko: {name}").format(name=acc.name))
                st.text(_("E-mail: {email}").format(email=acc.email))
                # What really happened to the newest e-mail to this address: queued, sent or failing.
                mail = outbox.state_for(acc.email) if acc.email else None
                st.text(
                    _("Ostatni e-mail: „{subject}” — {state}").format(subject=mail.subject, state=mail.label)
                    if mail
                    else _("Ostatni e-mail: brak")
                )
                st.text(_("Rola: {roles}").format(roles=", ".join(admin.role_label(r) for r in acc.roles)))
                st.text(_("Symbol klienta: {customer}").format(customer=acc.customer_id or "—"))
                st.text(_("Stan: {status}").format(status=acc.status))
                st.text(
                    _("Ostatnie logowanie: {when}; otwarte sesje: {sessions}").format(
                        when=when(acc.last_login), sessions=acc.open_sessions
                    )
                )

                st.markdown(_("**Hasło i dostęp**"))
                left, right = st.columns(2)
                if left.button(
                    _("Nadaj nowe hasło startowe"),
                    key="acc_reset",
                    help=_("Nowe hasło pokażemy raz; wszystkie sesje konta zostaną zakończone."),
                ):
                    try:
                        start = admin.reset_password(acc.username, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(
                            _("Nadano nowe hasło startowe kontu {username}.").format(username=acc.username),
                            (acc.username, start),
                        )
                if acc.disabled:
                    if right.button(_("Włącz konto"), key="acc_enable"):
                        try:
                            admin.set_disabled(acc.username, False, user.username)
                        except FormError as err:
                            refused(err)
                        else:
                            done(_("Włączono konto {username}.").format(username=acc.username))
                elif right.button(
                    _("Wyłącz konto"), key="acc_disable", help=_("Kończy od razu wszystkie sesje.")
                ):
                    try:
                        admin.set_disabled(acc.username, True, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(
                            _("Wyłączono konto {username}; jego sesje zostały zakończone.").format(
                                username=acc.username
                            )
                        )

                st.markdown(_("**Dodatkowe lokale** (przypisane przez biuro, oprócz lokali klienta)"))
                if not acc.premises:
                    st.caption(_("Brak dodatkowych lokali."))
                for pid in acc.premises:
                    row_l, row_r = st.columns([3, 1])
                    row_l.text(pid)
                    if row_r.button(_("Usuń"), key=f"acc_prem_del_{pid}"):
                        try:
                            admin.remove_premises(acc.username, [pid], user.username)
                        except FormError as err:
                            refused(err)
                        else:
                            done(
                                _("Odebrano lokal {premises} kontu {username}.").format(
                                    premises=pid, username=acc.username
                                )
                            )
                new_ids = st.text_input(
                    _("Przypisz lokale (numery oddzielone przecinkami)"),
                    key=f"acc_prem_new_{gen}",
                    max_chars=400,
                )
                if st.button(_("Przypisz lokale"), key="acc_prem_add"):
                    try:
                        now_has = admin.add_premises(acc.username, new_ids, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(
                            _("Przypisano lokale; konto {username} ma dodatkowo: {premises}.").format(
                                username=acc.username, premises=", ".join(now_has)
                            )
                        )

                st.markdown(_("**Historia konta** (ostatnie zdarzenia z dziennika)"))
                trail = admin.history(acc.username)
                if trail:
                    st.dataframe(trail, hide_index=True, width="stretch", key="acc_history")
                else:
                    st.caption(_("Brak zdarzeń w dzienniku."))

# --- a new account -------------------------------------------------------------------------------
with tab_new:
    st.caption(
        _(
            "Hasło startowe generujemy losowo i pokażemy je raz; przy pierwszym logowaniu właściciel konta "
            "musi ustawić własne hasło."
        )
    )
    new_role = st.radio(
        _("Rodzaj konta"), list(NEW_ROLES), format_func=lambda k: _(NEW_ROLES[k]), key=f"new_role_{gen}"
    )
    new_customer = st.text_input(_("Symbol klienta"), key=f"new_customer_{gen}", max_chars=20)
    new_username = st.text_input(_("Nazwa użytkownika"), key=f"new_username_{gen}", max_chars=40)
    new_email = st.text_input(_("E-mail"), key=f"new_email_{gen}", max_chars=254)
    new_name = st.text_input(
        _("Imię i nazwisko (puste = z systemu księgowego)"), key=f"new_name_{gen}", max_chars=admin.MAX_NAME
    )
    if st.button(_("Utwórz konto"), key="new_create", type="primary"):
        try:
            created = admin.create_account(
                username=new_username,
                email=new_email,
                customer_id=new_customer,
                name=new_name,
                role=new_role,
                by=user.username,
            )
        except FormError as err:
            refused(err)
        else:
            done(
                _("Utworzono konto {username}.").format(username=created.username),
                (created.username, created.start_password),
            )
