"""One handler for the unexpected: a Polish message and a log entry, never Streamlit's English box.

A store that refuses to write (disk full, read-only) is not a bug but a server condition the
resident can do nothing about: it gets its own message saying what failed and that nothing was
saved, and an ERROR line in the log the office's administrator watches.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ebok.core.i18n import N_, _
from ebok.storage import store, warehouse

log = logging.getLogger("ebok.failure")

MESSAGE = N_(
    "Przepraszamy, wystąpił nieoczekiwany błąd po naszej stronie i tej strony nie udało się "
    "wyświetlić do końca. Jeśli coś wysyłałeś, sprawdź za chwilę, czy zostało zapisane, zanim "
    "wyślesz to ponownie. Gdy błąd się powtarza, podaj biuru jego numer: {ref}."
)
# CURRENT names a broken file and no good version exists (ebok/storage/warehouse.py): an honest
# notice for any page that reads the warehouse, the cause and the fix in the office's "Stan danych".
UNAVAILABLE_TEXT = N_("Dane są chwilowo niedostępne. Spróbuj ponownie za kilka minut.")
# What the page was doing when the store refused, when the page did not say (the global handler).
NOT_SAVED = N_("Nie udało się zapisać")
REFUSAL_REASONS: dict[store.Refusal, str] = {
    "disk_full": N_("brak miejsca na dysku serwera"),
    "read_only": N_("baza danych serwera jest chwilowo tylko do odczytu (np. trwają prace serwisowe)"),
}
REFUSAL_MESSAGE = N_(
    "{what}: {reason}. Nic nie zostało zapisane — spróbuj później albo zadzwoń do biura. "
    "Numer błędu dla biura: {ref}."
)


def _ref() -> str:
    """Return a short reference that ties the resident's report to the log line."""
    return secrets.token_hex(4).upper()


def _tell_refusal(what: str, refusal: store.Refusal, where: str) -> None:
    """Log a refused write as an ERROR for the office and tell the user in Polish what failed."""
    ref = _ref()
    log.exception("Zapis odrzucony przez serwer (%s): %s [%s] (nr %s)", refusal, what, where, ref)
    st.error(
        _(REFUSAL_MESSAGE).format(what=what, reason=_(REFUSAL_REASONS[refusal]), ref=ref),
        icon=":material/error:",
    )


@contextmanager
def writing(what: str, where: str = "") -> Iterator[None]:
    """Run a write; a store refusing it (disk full, read-only) is told as WHAT failed, e.g.

    "Wiadomość nie została wysłana", already translated. Any other exception passes on to `shown_in_polish`.
    """
    try:
        yield
    except Exception as exc:
        refusal = store.write_refusal(exc)
        if refusal is None:
            raise
        _tell_refusal(what, refusal, where or what)


@contextmanager
def shown_in_polish(where: str) -> Iterator[None]:
    """Run a page; an unexpected exception is logged with a reference and shown in Polish.

    st.stop() and st.rerun() raise BaseException subclasses, so they pass through untouched.
    """
    try:
        yield
    except warehouse.WarehouseUnavailable:  # logged once by the warehouse, not once per rerun
        st.warning(_(UNAVAILABLE_TEXT), icon=":material/cloud_off:")
    except Exception as exc:  # noqa: BLE001 - the last line of defence: everything else is handled nearer
        refusal = store.write_refusal(exc)
        if refusal is not None:  # a write the page did not wrap in writing(): still say why
            _tell_refusal(_(NOT_SAVED), refusal, where)
            return
        ref = _ref()
        log.exception("Nieoczekiwany błąd na stronie %s (nr %s)", where, ref)
        st.error(_(MESSAGE).format(ref=ref), icon=":material/error:")
