"""Media i odczyty: meters with legalisation warnings, consumption, booked readings, reading submissions."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, idempotency, uploads
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import charts, finance, meters
from ebok.web import cached, client, figures, forms, guard

user, premises_id, version = guard.require_resident_page(N_("Media i odczyty"), "meters")


# Warehouse reads change only with a new warehouse version: cached per premises + version (+ day,
# policy). The building average alone reads every premises of the building.
TABS_KEY = "media_tab"
now = meters.local_now()
today = now.date()
pol = meters.policy()
items = cached.media_meters(premises_id, version, today, pol)
if not items:
    st.info(_("W tym lokalu nie ma liczników rozliczanych przez e-BOK."))
    st.stop()

names = meters.meter_names(items)  # one name per meter, told apart when two share medium and serial
for m in items:
    warning = m.legalisation_text(today, names[m.meter_id])
    if warning:
        st.warning(warning)

st.subheader(_("Liczniki"))
st.dataframe(finance.frame(meters.meter_rows(items, today)), hide_index=True, width="stretch")

# Lazy tabs: only the open tab's content runs and is sent (Streamlit reruns on a tab switch), so a
# visit draws the consumption charts without also building the readings, the form and the history.
tab_use, tab_readings, tab_submit, tab_mine = st.tabs(
    [_("Zużycie"), _("Odczyty"), _("Podaj odczyt"), _("Moje zgłoszenia")], key=TABS_KEY, on_change="rerun"
)

if tab_use.open:
    with tab_use:
        groups = cached.media_comparison(premises_id, version)
        if not groups:
            st.info(_("Brak zaksięgowanych odczytów, z których można policzyć zużycie."))
        for medium, rows in groups.items():
            name = _(meters.MEDIUM_NAMES.get(medium, medium))
            st.markdown(f"#### {name}")
            s = meters.summary(rows[-1])
            figures.show(
                [
                    figures.Figure(_("Zużycie ({month})").format(month=s["month"]), s["consumption"]),
                    figures.Figure(_("Zmiana wobec roku wcześniej"), s["vs_last_year"]),
                    figures.Figure(_("Na osobę w lokalu"), s["per_person"]),
                    figures.Figure(_("Średnio na osobę w budynku"), s["building_per_person"]),
                ],
                f"media-{medium}",
            )
            st.plotly_chart(
                charts.meter_consumption(rows, name, rows[-1].unit), key=f"use-{medium}", config=charts.CONFIG
            )
            st.plotly_chart(
                charts.meter_per_person(rows, name, rows[-1].unit), key=f"pp-{medium}", config=charts.CONFIG
            )
        st.caption(
            _(
                "Zużycie miesiąca to różnica kolejnych zaksięgowanych stanów licznika. Średnia budynku: zużycie "
                "wszystkich lokali budynku podzielone przez liczbę mieszkających w nich osób."
            )
        )

if tab_readings.open:
    with tab_readings:
        booked = cached.media_booked(premises_id, version)
        if booked.num_rows:
            st.dataframe(booked, hide_index=True, width="stretch")
        else:
            st.info(_("Brak zaksięgowanych odczytów."))

KEY = f"_reading_key_{premises_id}"
LAST = f"_reading_last_{premises_id}"

if tab_submit.open:
    with tab_submit:
        active = [m for m in items if m.is_active(today)]
        if not pol.window_open(today):
            st.info(_("Teraz nie przyjmujemy odczytów. {window}").format(window=pol.window_text()))
        elif not active:
            st.info(_("W lokalu nie ma czynnych liczników."))
        else:
            st.caption(pol.window_text())
            if KEY not in st.session_state:
                st.session_state[KEY] = idempotency.new_key()
            by_id = {m.meter_id: m for m in active}
            with st.form(f"reading-{premises_id}", clear_on_submit=False):
                meter_id = st.radio(  # all meters visible at once: a flat has only a few
                    _("Licznik"),
                    list(by_id),
                    format_func=lambda mid: by_id[mid].label(names[mid]),
                    key=f"r-meter-{premises_id}",
                )
                value = st.text_input(
                    _("Stan licznika"), placeholder=_("np. 123,456"), key=f"r-value-{premises_id}"
                )
                photo = st.file_uploader(
                    _("Zdjęcie licznika (opcjonalnie, JPEG lub PNG)"),
                    type=["jpg", "jpeg", "png"],
                    key=f"r-photo-{premises_id}",
                    help=_("JPEG albo PNG, najwyżej {size} MB.").format(size=uploads.READING_PHOTO.max_mb),
                    # Our limit, stated by the uploader; a file over it is refused in the browser and the
                    # form is then not sent (ebok/web/upload_guard.js); uploads.check refuses it on the server too.
                    max_upload_size=uploads.READING_PHOTO.max_mb,
                )
                confirmed = st.checkbox(_(meters.CONFIRM_LABEL), key=f"r-confirm-{premises_id}")
                sent = st.form_submit_button(_("Wyślij odczyt"), type="primary")
            if sent:
                photo_bytes = photo.getvalue() if photo is not None else None
                fingerprint = (meter_id, (value or "").strip(), len(photo_bytes or b""))
                last = st.session_state.get(LAST)
                # The same content sent again (double click) reuses the key of the first save.
                key = last[1] if last and last[0] == fingerprint else st.session_state[KEY]
                try:
                    sub = meters.submit_reading(
                        premises_id=premises_id,
                        meter_id=meter_id,
                        value=value,
                        username=user.username,
                        now=now,
                        idempotency_key=key,
                        confirmed=confirmed,
                        photo=photo_bytes,
                        pol=pol,
                        client_address=client.client_address(),
                    )
                except FormError as exc:
                    if isinstance(exc, meters.NeedsConfirmation):
                        for message in exc.messages:  # a question to confirm, not a refusal
                            st.warning(message)
                    else:
                        forms.show_problems(exc)
                else:
                    st.session_state[LAST] = (fingerprint, key)
                    st.session_state[KEY] = idempotency.new_key()
                    accepted = (
                        _(
                            "Odczyt przyjęty: {meter}, stan {value} {unit} (nr zgłoszenia {number}). "
                            "Status: {status}. Oznaczyliśmy go jako nietypowy do sprawdzenia przez biuro."
                        )
                        if sub.implausible
                        else _(
                            "Odczyt przyjęty: {meter}, stan {value} {unit} (nr zgłoszenia {number}). "
                            "Status: {status}."
                        )
                    )
                    st.success(
                        accepted.format(
                            meter=names[sub.meter_id],
                            value=fmt.number(sub.value, 3),
                            unit=by_id[sub.meter_id].unit_name,
                            number=sub.submission_id,
                            status=_(sub.status),
                        )
                    )

if tab_mine.open:
    with tab_mine:
        subs = meters.submissions_for_premises(
            premises_id, cached.booked_submission_ids(premises_id, version)
        )
        if subs:
            st.dataframe(
                finance.frame(meters.submission_rows(subs, items)),
                hide_index=True,
                width="stretch",
            )
        else:
            st.info(_("Nie zgłaszałeś jeszcze odczytów przez e-BOK."))
