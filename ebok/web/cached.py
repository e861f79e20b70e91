"""The resident pages' warehouse reads, cached per premises and warehouse version (st.cache_data).

Defined here, once per process, rather than in each page: a page script runs again on every rerun,
and st.cache_data re-reads and hashes a decorated function's source each time it is defined there
(inspect.getsource), about a millisecond per page and rerun. Every key holds the premises id and the
warehouse version (a new nightly load is a new version, so nothing stale is served); results are
per premises, never per user name, and the guard has checked the premises belongs to the user.

A browser session also keeps its own last results (`session_memo`, in its st.session_state, so
per user and never shared): a rerun that asks again with the same key gets the same value back
without st.cache_data's hashing of the arguments and unpickling of the value, which under load was
a tenth of the process's time (docs/benchmarks.md "Load"). Pages only read what they get.

A result that holds translated text (labels, statuses, table values formatted for the language)
is cached under the run's language too: the public function passes lang=i18n.current() to its
cached twin, so a resident reading English never gets the Polish rows another one cached. Results
of plain data (ids, dates, meters, consumption figures, the transfer and its QR code) translate
where they are shown and are shared by every language.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ebok.core import clock, i18n
from ebok.domain import documents, finance, meters, payments, pending, waste
from ebok.domain.online_payments import OnlinePayment

F = TypeVar("F", bound=Callable[..., Any])

MEMO_KEY = "_ebok_memo"  # st.session_state: this browser session's last results, newest last
MEMO_SIZE = 32  # a resident's pages ask for about a dozen keys; older ones fall out first


def session_memo(fn: F) -> F:
    """Wrap the cached FN so a browser session gets its own earlier results back by a dict lookup.

    The key is FN's name and its arguments (the premises, the warehouse version, the day, the
    language: the same key st.cache_data uses); unhashable arguments and calls outside a script run
    (unit tests, the CLI) go straight to FN. `clear()` is FN's own.
    """
    name = fn.__qualname__

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if get_script_run_ctx() is None:
            return fn(*args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())))
        memo = st.session_state.get(MEMO_KEY)
        if memo is None:
            memo = st.session_state[MEMO_KEY] = OrderedDict()
        try:
            memo.move_to_end(key)  # a hit: newest again
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable argument: no key, straight to FN
            return fn(*args, **kwargs)
        value = fn(*args, **kwargs)
        memo[key] = value
        while len(memo) > MEMO_SIZE:
            memo.popitem(last=False)
        return value

    wrapper.clear = fn.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def cached(fn: F) -> F:
    """st.cache_data per premises and version for the process, and the session's own memo on top."""
    return session_memo(st.cache_data(ttl=3600, max_entries=5000, show_spinner=False)(fn))


def saldo_load(
    premises_ids: tuple[str, ...], version: str, today: dt.date
) -> tuple[list[finance.Summary], list[dict[str, str]]]:
    """All of the user's premises in one query, and their table rows (key: premises + version + day)."""
    return _saldo_load(premises_ids, version, today, lang=i18n.current())


@cached
def _saldo_load(
    premises_ids: tuple[str, ...], version: str, today: dt.date, lang: str
) -> tuple[list[finance.Summary], list[dict[str, str]]]:
    """saldo_load() in LANG: its result holds translated text, so the language is part of the key."""
    found = summaries(premises_ids, version, today)
    return found, finance.summaries_rows(found)


@cached
def account(premises_id: str, version: str, today: dt.date) -> finance.Account | None:
    """The premises' data and whole ledger (key: premises + version + day), None when not in the warehouse.

    Read once and shared by the loads below: Saldo, Rachunki, Faktury, Zapłać and Moje dane all
    start from them, and each DuckDB point read costs 1-6 ms at 100 000 premises (docs/benchmarks.md
    finding 29), so a resident's first visit of each page no longer reads them again.
    """
    return finance.account(premises_id, today)


def summaries(premises_ids: tuple[str, ...], version: str, today: dt.date) -> list[finance.Summary]:
    """The money summary of each of PREMISES_IDS in the warehouse, by premises id (as finance.summaries)."""
    out = []
    for pid in sorted(set(premises_ids)):
        found = account(pid, version, today)
        if found is not None:
            out.append(found.summary(today))
    return out


@cached
def booked_submission_ids(premises_id: str, version: str | None) -> frozenset[str]:
    """Submission ids the warehouse has booked (key: premises + version); Saldo and Media share it."""
    return frozenset(meters.booked_submission_ids(premises_id))


def saldo_next_waste(premises_id: str, version: str, today: dt.date) -> str | None:
    """The next waste collection, when the waste module offers it (key: premises + version + day)."""
    return _saldo_next_waste(premises_id, version, today, lang=i18n.current())


@cached
def _saldo_next_waste(premises_id: str, version: str, today: dt.date, lang: str) -> str | None:
    """saldo_next_waste() in LANG: its result holds translated text, so the language is part of the key."""
    found = waste.next_collection(premises_id, today)
    return found.text(today) if found else None


@cached
def rachunki_bounds(premises_id: str, version: str) -> tuple[dt.date, dt.date] | None:
    """First and last entry date of the premises' ledger (key: premises + version)."""
    found = account(premises_id, version, clock.today())
    return finance.history_bounds(found.entries) if found else None


def rachunki_view(
    premises_id: str, version: str, date_from: dt.date, date_to: dt.date, kinds: tuple[str, ...]
) -> tuple[finance.PeriodTotals, list[tuple[str, str, list[dict[str, str]]]]]:
    """Totals and month tables of the filtered history (key: premises + version + filters)."""
    return _rachunki_view(premises_id, version, date_from, date_to, kinds, lang=i18n.current())


@cached
def _rachunki_view(
    premises_id: str, version: str, date_from: dt.date, date_to: dt.date, kinds: tuple[str, ...], lang: str
) -> tuple[finance.PeriodTotals, list[tuple[str, str, list[dict[str, str]]]]]:
    """rachunki_view() in LANG: its result holds translated text, so the language is part of the key."""
    found = account(premises_id, version, clock.today())
    full = list(found.entries) if found else []
    shown = finance.filter_history(full, date_from, date_to, kinds)
    # Plain rows, not Arrow tables: every cache hit unpickles the whole value, and the page turns
    # only the open month into a table.
    months = [
        (m.month.isoformat(), finance.month_label(m), finance.history_rows(m.entries))
        for m in finance.by_month(shown)
    ]
    return finance.period_totals(full, shown, date_from, date_to), months


def faktury_load(
    premises_id: str, version: str, today: dt.date, waiting: tuple[OnlinePayment, ...] = ()
) -> dict[str, object]:
    """Charges with remaining amounts, the payment calendar and their tables.

    Key: premises + version + day + the pending online payments (WAITING, read from the store on
    every run by the page): remaining amounts count them, and a booked one leaves the key.
    """
    return _faktury_load(premises_id, version, today, waiting, lang=i18n.current())


@cached
def _faktury_load(
    premises_id: str, version: str, today: dt.date, waiting: tuple[OnlinePayment, ...], lang: str
) -> dict[str, object]:
    """faktury_load() in LANG: its result holds translated text, so the language is part of the key."""
    found = pending.view(premises_id, today, waiting) if waiting else None
    if found:
        items = list(found.adjusted_items)
    else:
        booked_account = account(premises_id, version, today)
        items = finance.open_items_from(booked_account.entries) if booked_account else []
    booked = list(found.booked_items) if found else items
    calendar = finance.payment_calendar(items, today)
    pdfs = invoice_pdf_links(premises_id, version)
    return {
        "calendar": calendar,
        "totals": finance.calendar_totals(calendar),
        # Plain rows (a cache hit unpickles all of them; the page shows "all" or "unpaid").
        "all": pending.items_rows(booked, finance.newest_first(items), today, pdfs),
        "unpaid": pending.items_rows(booked, pending.unpaid_booked(items, booked), today, pdfs),
        "days": finance.calendar_rows(calendar),
        "months": finance.calendar_months(calendar, today),
    }


@cached
def premises_documents(premises_id: str, version: str) -> list[documents.Document]:
    """The premises' own and general documents (key: premises + version); Faktury and Dokumenty share it."""
    return documents.documents(premises_id)


def invoice_pdf_links(premises_id: str, version: str) -> dict[str, str]:
    """Map the document numbers of the premises' own PDFs to their link on the Dokumenty page.

    Only documents of this premises (never general ones, never another premises'): the list comes
    from ebok.domain.documents as on Dokumenty, and that page checks the id again before a download.
    The link is relative, so it keeps the app's base path; ?lokal= selects the premises there.
    """
    return {
        d.document_no: "dokumenty?" + urlencode({"lokal": premises_id, "dokument": d.document_id})
        # Newest last, so a number issued twice (a corrected invoice) links the newest file.
        for d in reversed(premises_documents(premises_id, version))
        if d.document_no and d.premises_id == premises_id
    }


def faktury_grid(
    premises_id: str, version: str, today: dt.date, month: dt.date, waiting: tuple[OnlinePayment, ...] = ()
) -> object:
    """The month grid of due amounts (key: premises + version + day + month + pending payments)."""
    return _faktury_grid(premises_id, version, today, month, waiting, lang=i18n.current())


@cached
def _faktury_grid(
    premises_id: str,
    version: str,
    today: dt.date,
    month: dt.date,
    waiting: tuple[OnlinePayment, ...],
    lang: str,
) -> object:
    """faktury_grid() in LANG: its result holds translated text, so the language is part of the key."""
    calendar = _faktury_load(premises_id, version, today, waiting, lang)["calendar"]
    return finance.frame(finance.month_grid_rows(month.year, month.month, calendar))


@cached
def zaplac_load(
    premises_id: str, version: str, today: dt.date, waiting: tuple[OnlinePayment, ...] = ()
) -> tuple[payments.Transfer | None, bytes]:
    """Transfer details and the QR image for what remains after pending online payments.

    Key: premises + warehouse version + day + the pending payments (WAITING, read by the page).
    """
    booked = account(premises_id, version, today)
    transfer = payments.transfer_for(booked.info, booked.entries, today) if booked else None
    found = pending.view(premises_id, today, waiting) if transfer and waiting else None
    if transfer and found:
        transfer = pending.transfer(transfer, found.adjusted)
    return transfer, payments.qr_png(transfer.payload) if transfer else b""


def pending_view(
    premises_id: str, version: str, today: dt.date, waiting: tuple[OnlinePayment, ...]
) -> pending.View | None:
    """The premises' money booked and with its pending online payments counted.

    Key: premises + version + day + the payments themselves: the page reads them from the store on
    every run (never cached), so a payment confirmed or booked a second ago is a new key.
    """
    return _pending_view(premises_id, version, today, waiting, lang=i18n.current())


@cached
def _pending_view(
    premises_id: str, version: str, today: dt.date, waiting: tuple[OnlinePayment, ...], lang: str
) -> pending.View | None:
    """pending_view() in LANG: its result holds translated text, so the language is part of the key."""
    return pending.view(premises_id, today, waiting)


@cached
def media_meters(premises_id: str, version: str | None, today: dt.date, pol: meters.MeterPolicy) -> list:
    """The premises' meters with legalisation flags (key: premises + version + day + policy)."""
    return meters.meters_for_premises(premises_id, today, pol)


@cached
def media_comparison(premises_id: str, version: str | None) -> dict:
    """Monthly consumption with its comparisons per medium (key: premises + version)."""
    return meters.comparison_by_medium(premises_id)


def media_booked(premises_id: str, version: str | None) -> object:
    """The booked readings as table rows (key: premises + version)."""
    return _media_booked(premises_id, version, lang=i18n.current())


@cached
def _media_booked(premises_id: str, version: str | None, lang: str) -> object:
    """media_booked() in LANG: its result holds translated text, so the language is part of the key."""
    return finance.frame(meters.reading_rows(meters.booked_readings(premises_id)))


def moje_dane_load(
    premises_id: str, premises_ids: tuple[str, ...], version: str, today: dt.date
) -> dict[str, object] | None:
    """Premises data, fee components and the user's premises (key: premises + version + day)."""
    return _moje_dane_load(premises_id, premises_ids, version, today, lang=i18n.current())


@cached
def _moje_dane_load(
    premises_id: str, premises_ids: tuple[str, ...], version: str, today: dt.date, lang: str
) -> dict[str, object] | None:
    """moje_dane_load() in LANG: its result holds translated text, so the language is part of the key."""
    found = account(premises_id, version, today)
    if found is None:
        return None
    info = found.info
    latest = finance.latest_components(finance.charge_components(premises_id))
    return {
        "info": info,
        "customer": finance.frame(finance.customer_rows(info)),
        "premises": finance.summaries_rows(summaries(premises_ids, version, today)),
        "details": finance.frame(finance.premises_rows(info)),
        "latest_period": latest[0].period if latest else None,
        "latest": finance.components_rows(latest),
        "fee": sum((c.amount for c in latest), finance.ZERO),
    }


def rozliczenia_load(premises_id: str, version: str) -> tuple[list[finance.Settlement], object]:
    """Settlements of the premises and their table (key: premises + warehouse version)."""
    return _rozliczenia_load(premises_id, version, lang=i18n.current())


@cached
def _rozliczenia_load(premises_id: str, version: str, lang: str) -> tuple[list[finance.Settlement], object]:
    """rozliczenia_load() in LANG: its result holds translated text, so the language is part of the key."""
    items = finance.settlements(premises_id)
    return items, finance.frame(finance.settlements_rows(items))


def dokumenty_load(premises_id: str, version: str) -> tuple[list[documents.Document], object]:
    """The premises' and general documents and their table (key: premises + warehouse version)."""
    return _dokumenty_load(premises_id, version, lang=i18n.current())


@cached
def _dokumenty_load(premises_id: str, version: str, lang: str) -> tuple[list[documents.Document], object]:
    """dokumenty_load() in LANG: its result holds translated text, so the language is part of the key."""
    docs = premises_documents(premises_id, version)
    return docs, documents.frame(docs)
