"""Konta i rejestracje: approve or refuse registrations, create accounts, reset, disable, premises.

All logic lives in ebok.auth.admin; every change goes through the locked auth.yaml writer and the
audit log. Whatever a resident typed (names, e-mails, document numbers) is shown with st.text;
messages that echo typed values are Markdown-escaped.
"""

from __future__ import annotations

import streamlit as st

from ebok.auth import admin
from ebok.core import fmt, text
from ebok.core.errors import FormError, Problem
from ebok.storage import outbox
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title("Konta i rejestracje")

FLASH = "_admin_konta_flash"
ONCE = "_admin_konta_start_password"  # (username, password): shown on the next run only, then gone
GEN = "_admin_konta_gen"  # bumps after a success so the input fields start empty
ROLE_FILTER = {"": "Wszystkie", "resident": "Mieszkańcy", "admin": "Biuro"}
STATE_FILTER = {"": "Wszystkie", "enabled": "Włączone", "disabled": "Wyłączone"}
DISABLED_VALUE = {"": None, "enabled": False, "disabled": True}
NEW_ROLES = {"resident": "Mieszkaniec (klient z systemu księgowego)", "admin": "Biuro (administrator)"}


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
        "Hasło startowe pokazujemy tylko raz — przekaż je właścicielowi konta. Przy pierwszym "
        "logowaniu system wymusi ustawienie własnego hasła."
    )
    st.text(f"Konto: {once[0]}")
    st.code(once[1], language=None)

pending = admin.pending_registrations()
tab_reg, tab_accounts, tab_new = st.tabs([f"Rejestracje ({len(pending)})", "Konta", "Nowe konto"])

# --- registrations waiting for approval ----------------------------------------------------------
with tab_reg:
    if not pending:
        st.info("Brak rejestracji czekających na zatwierdzenie.")
    for reg in pending:
        rid = reg.registration_id
        with st.container(border=True):
            if reg.manual:
                st.warning(
                    "Do weryfikacji ręcznej: dowód nie zgadzał się z danymi z systemu księgowego, "
                    "a mieszkaniec poprosił biuro o sprawdzenie. Zatwierdź dopiero po potwierdzeniu "
                    "tożsamości (np. telefonicznie lub w biurze)."
                )
            st.text(f"Nazwa użytkownika: {reg.username}")
            st.text(f"Imię i nazwisko: {reg.name}")
            in_wh = reg.warehouse_name if reg.warehouse_name else "brak w danych z systemu księgowego"
            st.text(f"Symbol klienta: {reg.customer_id} (w systemie księgowym: {in_wh})")
            verified = (
                f"potwierdzony {when(reg.email_verified_at)}" if reg.email_verified_at else "niepotwierdzony"
            )
            st.text(f"E-mail: {reg.email} ({verified})")
            mail = outbox.state_for(reg.email, since=reg.created_at)  # the real state, not a promise
            st.text(f"E-mail do mieszkańca: {mail.label}" if mail else "E-mail do mieszkańca: brak")
            st.text(f"Dowód: {reg.proof_label}")
            if reg.proof_document:
                st.text(f"Dowód — numer dokumentu: {reg.proof_document}")
            st.text("Dowód — kwota: " + (reg.proof_amount if reg.proof_amount is not None else "nie podana"))
            st.text(
                "Zgodność z księgą: "
                + ("tak — dowód się zgadza" if reg.proof_matches else "NIE — do weryfikacji ręcznej")
            )
            st.text(
                f"Regulamin: wersja {reg.regulations_version}, zaakceptowany {when(reg.regulations_accepted_at)}"
            )
            st.text(f"Wysłano: {when(reg.created_at)} z adresu {reg.client_address or '—'}")
            reason = st.text_input(
                "Powód odmowy (otrzyma go mieszkaniec)",
                key=f"reg_reason_{rid}_{gen}",
                max_chars=admin.MAX_REASON,
            )
            left, right = st.columns(2)
            if left.button("Zatwierdź", key=f"reg_approve_{rid}", type="primary"):
                try:
                    name = admin.approve_registration(rid, user.username)
                except FormError as err:
                    refused(err)
                else:
                    done(f"Zatwierdzono konto {name}; e-mail do mieszkańca jest w kolejce do wysłania.")
            if right.button("Odrzuć", key=f"reg_refuse_{rid}"):
                try:
                    name = admin.refuse_registration(rid, user.username, reason)
                except FormError as err:
                    refused(err)
                else:
                    done(f"Odrzucono rejestrację {name}; e-mail z powodem jest w kolejce do wysłania.")

# --- accounts ------------------------------------------------------------------------------------
with tab_accounts:
    c1, c2, c3 = st.columns(3)
    role = c1.selectbox("Rola", list(ROLE_FILTER), format_func=ROLE_FILTER.get, key="acc_role")
    state = c2.selectbox("Stan", list(STATE_FILTER), format_func=STATE_FILTER.get, key="acc_state")
    customer = c3.text_input("Symbol klienta (fragment)", key="acc_customer", max_chars=20)
    accounts = admin.list_accounts(role=role or None, disabled=DISABLED_VALUE[state], customer=customer)
    if not accounts:
        st.info("Brak kont spełniających kryteria.")
    else:
        st.dataframe(admin.table_rows(accounts), hide_index=True, width="stretch")
        chosen = st.selectbox("Konto", [a.username for a in accounts], key="acc_user")
        acc = admin.account(chosen)
        if acc is not None:
            with st.container(border=True):
                st.text(f"Konto: {acc.username}")
                st.text(f"Imię i nazwisko: {acc.name}")
                st.text(f"E-mail: {acc.email}")
                # What really happened to the newest e-mail to this address: queued, sent or failing.
                mail = outbox.state_for(acc.email) if acc.email else None
                st.text(
                    f"Ostatni e-mail: „{mail.subject}” — {mail.label}" if mail else "Ostatni e-mail: brak"
                )
                st.text(f"Rola: {', '.join(admin.ROLE_LABELS.get(r, r) for r in acc.roles)}")
                st.text(f"Symbol klienta: {acc.customer_id or '—'}")
                st.text(f"Stan: {acc.status}")
                st.text(f"Ostatnie logowanie: {when(acc.last_login)}; otwarte sesje: {acc.open_sessions}")

                st.markdown("**Hasło i dostęp**")
                left, right = st.columns(2)
                if left.button(
                    "Nadaj nowe hasło startowe",
                    key="acc_reset",
                    help="Nowe hasło pokażemy raz; wszystkie sesje konta zostaną zakończone.",
                ):
                    try:
                        start = admin.reset_password(acc.username, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(f"Nadano nowe hasło startowe kontu {acc.username}.", (acc.username, start))
                if acc.disabled:
                    if right.button("Włącz konto", key="acc_enable"):
                        try:
                            admin.set_disabled(acc.username, False, user.username)
                        except FormError as err:
                            refused(err)
                        else:
                            done(f"Włączono konto {acc.username}.")
                elif right.button("Wyłącz konto", key="acc_disable", help="Kończy od razu wszystkie sesje."):
                    try:
                        admin.set_disabled(acc.username, True, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(f"Wyłączono konto {acc.username}; jego sesje zostały zakończone.")

                st.markdown("**Dodatkowe lokale** (przypisane przez biuro, oprócz lokali klienta)")
                if not acc.premises:
                    st.caption("Brak dodatkowych lokali.")
                for pid in acc.premises:
                    row_l, row_r = st.columns([3, 1])
                    row_l.text(pid)
                    if row_r.button("Usuń", key=f"acc_prem_del_{pid}"):
                        try:
                            admin.remove_premises(acc.username, [pid], user.username)
                        except FormError as err:
                            refused(err)
                        else:
                            done(f"Odebrano lokal {pid} kontu {acc.username}.")
                new_ids = st.text_input(
                    "Przypisz lokale (numery oddzielone przecinkami)",
                    key=f"acc_prem_new_{gen}",
                    max_chars=400,
                )
                if st.button("Przypisz lokale", key="acc_prem_add"):
                    try:
                        now_has = admin.add_premises(acc.username, new_ids, user.username)
                    except FormError as err:
                        refused(err)
                    else:
                        done(f"Przypisano lokale; konto {acc.username} ma dodatkowo: {', '.join(now_has)}.")

                st.markdown("**Historia konta** (ostatnie zdarzenia z dziennika)")
                trail = admin.history(acc.username)
                if trail:
                    st.dataframe(trail, hide_index=True, width="stretch", key="acc_history")
                else:
                    st.caption("Brak zdarzeń w dzienniku.")

# --- a new account -------------------------------------------------------------------------------
with tab_new:
    st.caption(
        "Hasło startowe generujemy losowo i pokażemy je raz; przy pierwszym logowaniu właściciel konta "
        "musi ustawić własne hasło."
    )
    new_role = st.radio("Rodzaj konta", list(NEW_ROLES), format_func=NEW_ROLES.get, key=f"new_role_{gen}")
    new_customer = st.text_input("Symbol klienta", key=f"new_customer_{gen}", max_chars=20)
    new_username = st.text_input("Nazwa użytkownika", key=f"new_username_{gen}", max_chars=40)
    new_email = st.text_input("E-mail", key=f"new_email_{gen}", max_chars=254)
    new_name = st.text_input(
        "Imię i nazwisko (puste = z systemu księgowego)", key=f"new_name_{gen}", max_chars=admin.MAX_NAME
    )
    if st.button("Utwórz konto", key="new_create", type="primary"):
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
            done(f"Utworzono konto {created.username}.", (created.username, created.start_password))
