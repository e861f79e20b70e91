"""Status płatności: where the gateway sends the resident back; the status comes from our store only.

Only ?platnosc= (our payment id) and ?lokal= (checked by the guard) are read from the address; whatever
else the gateway appends (status, amounts, signatures) is ignored. A payment of another premises, or
an unknown id, shows nothing about it.
"""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt
from ebok.core.i18n import N_, _
from ebok.domain import online_payments, payment_status
from ebok.web import guard

user, premises_id, version = guard.require_resident_page(N_("Status płatności"))
payment_id = str(st.query_params.get("platnosc", ""))[:40]

if st.button(_("Odśwież status"), icon=":material/refresh:", key="platnosc_refresh"):
    # Asks the gateway's status API when the notification has not come yet (never trusts the browser).
    payment = online_payments.refresh(payment_id, premises_id) if payment_id else None
else:
    payment = online_payments.get(payment_id, premises_id) if payment_id else None

if payment is None:
    st.warning(
        _(
            "Nie znaleziono płatności o tym numerze dla wybranego lokalu. Sprawdź, czy wybrany jest lokal, "
            "za który płaciłeś; płatności lokalu widać też na stronie „Saldo”."
        )
    )
    if st.button(_("Wróć do strony „Zapłać”"), icon=":material/qr_code_2:", key="platnosc_zaplac_none"):
        st.switch_page("pages/zaplac.py")
    st.stop()


@st.fragment(run_every=payment_status.WATCH_EVERY)
def watch(watched_id: str, status: str) -> None:
    """Re-read our store every few seconds while the payment waits; rerun the page when it changes."""
    now = online_payments.get(watched_id, premises_id)
    if now is not None and now.status != status:
        st.rerun(scope="app")


state = payment_status.describe(payment)
{"success": st.success, "info": st.info, "error": st.error, "warning": st.warning}[state.tone](
    f"**{state.headline}**  \n{state.text}"
)
c1, c2 = st.columns(2)
c1.metric(_("Kwota"), fmt.money(payment.amount))
c2.metric(_("Status"), state.label)
st.dataframe(payment_status.detail_rows(payment), hide_index=True, key="platnosc_details")
if state.waiting:
    st.caption(
        _(
            "Status zmieni się sam, gdy operator płatności nas powiadomi; "
            "możesz też użyć przycisku „Odśwież status”."
        )
    )
    if payment_status.keep_watching(payment):
        watch(payment.payment_id, payment.status)
# Buttons that switch page when clicked: a st.page_link is checked against the navigation at once.
b1, b2 = st.columns(2)
if b1.button(_("Przejdź do salda"), icon=":material/account_balance_wallet:", key="platnosc_saldo"):
    st.switch_page("pages/saldo.py")
if b2.button(_("Wróć do strony „Zapłać”"), icon=":material/qr_code_2:", key="platnosc_zaplac"):
    st.switch_page("pages/zaplac.py")
