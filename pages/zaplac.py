"""Zapłać: pay online through the office's gateway (when on), or by transfer with the ZBP 2D QR code."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import streamlit as st

from ebok.core import clock, config, fmt
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import online_choice, online_payments, payments, pending
from ebok.web import cached, client, forms, guard, redirect

user, premises_id, version = guard.require_resident_page(N_("Zapłać"), need_data=True)
today = clock.today()
STARTED_KEY = "_ebok_online_started"  # (premises id, payment id, gateway URL) of the payment just started
REDIRECT_KEY = "_ebok_online_redirect"  # set once, so a later visit does not send the browser away again


# Online payments confirmed and not yet booked: read from the store on every run (never cached);
# the amount to pay and the QR code count them, so nothing is paid twice.
waiting = pending.for_premises(premises_id)
transfer, png = cached.zaplac_load(premises_id, version, today, waiting)
if transfer is None:
    st.warning(_("Brak danych finansowych tego lokalu."))
    st.stop()
if waiting:
    st.info(pending.notice(waiting), icon=":material/hourglass_top:")

if transfer.overpaid:
    st.success(
        _(
            "Masz nadpłatę {amount} — teraz nie musisz nic wpłacać. "
            "Nadpłata zostanie zaliczona na kolejne opłaty."
        ).format(amount=fmt.money(transfer.balance))
    )
elif transfer.amount == 0:
    st.success(_("Wszystko zapłacone — teraz nie musisz nic wpłacać."))
else:
    st.info(payments.amount_text(transfer))


def online_section() -> None:
    """Zapłać online: what to pay (the amount remaining, chosen charges, another amount), then the gateway."""
    st.subheader(_("Zapłać online"))
    started = st.session_state.get(STARTED_KEY)
    if started and started[0] == premises_id:
        payment_id, url = started[1], started[2]
        st.success(
            _("Płatność {payment_id} została zarejestrowana u operatora płatności.").format(
                payment_id=payment_id
            )
        )
        redirect.go(url, _("Przejdź do płatności"), automatic=st.session_state.pop(REDIRECT_KEY, False))
        c1, c2 = st.columns(2)
        c1.link_button(_("Sprawdź status płatności"), status_url(payment_id), icon=":material/pending:")
        if c2.button(_("Nowa płatność"), key="zaplac_online_new"):
            del st.session_state[STARTED_KEY]
            st.rerun()
        return
    low, high = online_payments.limits()
    view = cached.pending_view(premises_id, version, today, waiting)
    items = online_choice.payable(view.adjusted_items) if view else []
    modes = list(online_choice.MODES) if items else [online_choice.REMAINING, online_choice.OTHER]
    mode = st.radio(
        _("Co chcesz zapłacić?"),
        modes,
        index=0 if transfer.amount > 0 else modes.index(online_choice.OTHER),
        format_func=lambda m: (
            f"{_(online_choice.MODES[m])}: {fmt.money(transfer.amount)}"
            if m == online_choice.REMAINING
            else _(online_choice.MODES[m])
        ),
        key=f"zaplac_online_mode_{premises_id}",
    )
    labels = {online_choice.reference(i): online_choice.item_label(i) for i in items}
    chosen: list[str] = []
    other = ""
    if mode == online_choice.ITEMS:
        chosen = st.multiselect(
            _("Faktury i naliczenia do zapłaty"),
            list(labels),
            format_func=labels.get,
            key="zaplac_online_items",
        )
    elif mode == online_choice.OTHER:
        other = st.text_input(_("Kwota (zł)"), placeholder=_("np. 150,00"), key="zaplac_online_amount")
    st.caption(
        _(
            "Płatność online: od {low} do {high}. "
            "Po opłaceniu wpłata od razu pojawi się w e-BOK jako wpłata w trakcie księgowania."
        ).format(low=fmt.money(Decimal(low) / 100), high=fmt.money(Decimal(high) / 100))
    )
    if st.button(_("Zapłać online"), type="primary", icon=":material/payments:", key="zaplac_online_go"):
        start(mode, view, chosen, other, (low, high))


def status_url(payment_id: str) -> str:
    """Return the return page's address for PAYMENT_ID (this premises: ?lokal= selects it there)."""
    # Our ids are letters and digits; "{payment_id}" is the template online_payments.start fills in.
    return f"{config.base_url()}/platnosc?{urlencode({'lokal': premises_id})}&platnosc={payment_id}"


def start(
    mode: str, view: pending.View | None, chosen: list[str], other: str, limits: tuple[int, int]
) -> None:
    """Register the payment with the gateway and send the browser there; show refusals in Polish."""
    items = view.adjusted_items if view else ()
    try:
        choice = online_choice.choose(mode, transfer.amount, items, chosen, other, limits)
        payment, url = online_payments.start(
            premises_id,
            user.username,
            choice.amount_grosze,
            list(choice.invoices),
            user.email,
            client.client_address() or "127.0.0.1",
            status_url("{payment_id}"),
        )
    except FormError as err:
        forms.show_problems(err)
    except online_payments.GatewayUnavailable as err:
        st.error(str(err))
    else:
        st.session_state[STARTED_KEY] = (premises_id, payment.payment_id, url)
        st.session_state[REDIRECT_KEY] = True
        st.rerun()


if online_payments.enabled():
    with st.container(border=True, key="zaplac_online"):
        online_section()
    st.subheader(_("Przelew lub kod QR"))

left, right = st.columns([3, 2])
with left:
    st.markdown(_("**Odbiorca**"))
    st.code(transfer.recipient_name, language=None)
    if transfer.recipient_address:
        st.code(transfer.recipient_address, language=None)
    st.markdown(_("**Numer rachunku (indywidualny rachunek lokalu)**"))
    st.code(transfer.account_display, language=None)
    st.markdown(_("**Tytuł przelewu**"))
    st.code(transfer.title, language=None)
    st.markdown(_("**Kwota (zł)**"))
    st.code(fmt.number(transfer.amount, 2), language=None)
with right:
    st.image(
        png,
        caption=_("Zeskanuj kod w aplikacji banku (płatność kodem QR)."),
        alt=_("Kod QR przelewu z danymi podanymi obok: odbiorca, rachunek, tytuł i kwota."),
        width=260,
    )
    if not transfer.amount_fits_qr:
        st.warning(
            _("Kwota przekracza 9 999,99 zł, której nie mieści kod QR: wpisz ją ręcznie w aplikacji banku.")
        )
    with st.expander(_("Zawartość kodu QR")):
        st.code(transfer.payload, language=None)
st.caption(
    _(
        "Kod QR w standardzie 2D Związku Banków Polskich: NIP, kraj, rachunek, kwota w groszach, "
        "nazwa odbiorcy (20 znaków) i tytuł (32 znaki). Sprawdź dane przed zatwierdzeniem przelewu."
    )
)
