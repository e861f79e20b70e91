"""One handler for the unexpected: a Polish message and a log entry, never Streamlit's English box."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger("ebok.failure")

MESSAGE = (
    "Przepraszamy, wystąpił nieoczekiwany błąd po naszej stronie i tej strony nie udało się "
    "wyświetlić do końca. Jeśli coś wysyłałeś, sprawdź za chwilę, czy zostało zapisane, zanim "
    "wyślesz to ponownie. Gdy błąd się powtarza, podaj biuru jego numer: {ref}."
)


@contextmanager
def shown_in_polish(where: str) -> Iterator[None]:
    """Run a page; an unexpected exception is logged with a reference and shown in Polish.

    st.stop() and st.rerun() raise BaseException subclasses, so they pass through untouched.
    """
    try:
        yield
    except Exception:  # noqa: BLE001 - the last line of defence: everything else is handled nearer
        ref = secrets.token_hex(4).upper()  # ties the resident's report to the log line
        log.exception("Nieoczekiwany błąd na stronie %s (nr %s)", where, ref)
        st.error(MESSAGE.format(ref=ref), icon=":material/error:")
