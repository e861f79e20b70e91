"""Odczyty liczników (office): residents' submissions per month, implausible flagged, export to accounting."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt
from ebok.core.i18n import _
from ebok.domain import meters, readings_export
from ebok.web import guard

user = guard.require_login("admin")
guard.require_module("meters")
guard.data_as_of()

st.title(_("Odczyty liczników"))
st.caption(
    _(
        "Odczyty podane przez mieszkańców. Eksport tworzy plik w formacie readings.csv dla systemu "
        "księgowego (docs/readings-export-format.md); każdy odczyt trafia do jednej paczki."
    )
)

now = meters.local_now()


def _export() -> None:
    """Export before the page renders, so the list below already shows the new batch."""
    skip_implausible = bool(st.session_state.get("odczyty-skip"))
    batch = readings_export.export_new(
        now=meters.local_now(), username=user.username, include_implausible=not skip_implausible
    )
    st.session_state["_odczyty_result"] = (batch.batch_id, batch.rows)
    if batch.rows:
        st.session_state["_odczyty_batch"] = batch.batch_id


months = readings_export.recent_months(now.date())
c1, c2 = st.columns([2, 1])
month = c1.selectbox(_("Miesiąc zgłoszenia"), months, format_func=fmt.month, key="odczyty-month")
only_pending = c2.checkbox(_("Tylko niewyeksportowane"), key="odczyty-pending")
rows = readings_export.period_submissions(month, only_pending=only_pending)

m1, m2, m3 = st.columns(3)
m1.metric(_("Zgłoszenia"), len(rows))
m2.metric(_("Nietypowe"), sum(1 for r in rows if r["implausible"]))
m3.metric(_("Do eksportu"), sum(1 for r in rows if not r["export_batch"]))
if rows:
    names = meters.office_meter_names(r["meter_id"] for r in rows)
    st.dataframe(readings_export.office_rows(rows, names), hide_index=True, width="stretch")
    with_photo = {r["submission_id"]: r for r in rows if r["photo"]}
    if with_photo:
        shown = st.selectbox(
            _("Zdjęcie licznika do zgłoszenia"),
            list(with_photo),
            format_func=lambda sid: readings_export.photo_label(with_photo[sid], names),
            key="odczyty-photo",
        )
        image = readings_export.photo(shown)
        if image:
            label = readings_export.photo_label(with_photo[shown], names)
            st.image(
                image,
                caption=_("Zgłoszenie {label}").format(label=label),
                alt=_("Zdjęcie licznika, zgłoszenie {label}").format(label=label),
                width=400,
            )
else:
    st.info(_("Brak zgłoszeń w tym miesiącu."))

st.subheader(_("Eksport do systemu księgowego"))
st.checkbox(_("Pomiń nietypowe odczyty (zostaną do następnego eksportu)"), key="odczyty-skip")
st.button(_("Eksportuj nowe odczyty"), type="primary", key="odczyty-export", on_click=_export)
result = st.session_state.pop("_odczyty_result", None)
if result is not None:
    batch_id, count = result
    if count:
        st.success(
            _("Utworzono paczkę {batch}: {readings}. Pobierz plik poniżej.").format(
                batch=batch_id, readings=readings_export.readings_count(count)
            )
        )
    else:
        st.info(_("Nie ma nowych odczytów do eksportu."))

batches = readings_export.batches()
if batches:
    ids = [b["batch_id"] for b in batches]
    info = {b["batch_id"]: b for b in batches}
    last = st.session_state.get("_odczyty_batch")
    chosen = st.selectbox(
        _("Paczka do pobrania"),
        ids,
        index=ids.index(last) if last in ids else 0,
        format_func=lambda b: (
            f"{b} — {fmt.datetime(info[b]['exported_at'])}, {readings_export.readings_count(info[b]['rows'])}"
        ),
        key="odczyty-batch",
    )
    found = readings_export.batch(chosen)
    if found is not None:
        st.download_button(
            _("Pobierz plik CSV paczki"),
            found.content,
            file_name=found.filename,
            mime="text/csv",
            key="odczyty-download",
        )
else:
    st.caption(_("Nie wykonano jeszcze żadnego eksportu."))
