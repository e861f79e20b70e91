"""Import danych: the office uploads the accounting export, reads the report and the comparison, decides."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, uploads
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.domain import data_status
from ebok.loader import upload
from ebok.web import forms, guard, loads

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Import danych"))
st.markdown(
    _(
        "Wyślij eksport z systemu księgowego: **jeden plik ZIP** (cały katalog eksportu, z `documents/`) "
        "albo **pliki CSV/XLSX**. Portal sprawdzi każdy plik, zbuduje nową wersję danych i porówna ją z "
        "tą, którą widzą mieszkańcy; dopiero Twoja decyzja ją publikuje. Nocne ładowanie z katalogu "
        "działa jak dotąd."
    )
)

if "import_flash" in st.session_state:
    published, message = st.session_state.pop("import_flash")
    if published:
        st.success(message)
        # A relative link (admin_dane is the page's address in app.py's navigation, under any base path).
        st.markdown(_("Historię ładowań i wersje danych pokazuje strona [Stan danych](admin_dane)."))
    else:
        st.info(message)

busy = upload.busy_text()
if busy:
    st.warning(busy)

waiting = upload.waiting()
shown = waiting or st.session_state.get("import_last")

st.subheader(_("1. Eksport"))
if waiting:
    st.caption(_("Jeden import czeka niżej na decyzję; nowy eksport go zastąpi."))
choices = upload.profile_choices()
names = list(choices)
office = upload.office_profile()
profile = st.selectbox(
    _("Profil eksportu"),
    names,
    index=names.index(office) if office in names else 0,
    format_func=lambda name: choices[name],
    key="import_profile",
    help=_("Jak czytać pliki Twojego systemu księgowego; domyślnie profil z konfiguracji (export.profile)."),
)
generation = st.session_state.setdefault("import_uploader", 0)
files = st.file_uploader(
    _("Plik ZIP albo pliki CSV/XLSX"),
    type=["zip", "csv", "xlsx"],
    accept_multiple_files=True,
    max_upload_size=uploads.EXPORT.max_mb,
    key=f"import_files_{generation}",
    help=_("Najwyżej {mb} MB na plik. Dokumenty PDF tylko w pliku ZIP, w folderze documents/.").format(
        mb=uploads.EXPORT.max_mb
    ),
)
if st.button(_("Sprawdź eksport"), type="primary", disabled=not files or bool(busy), key="import_check"):
    with st.status(_("Sprawdzanie eksportu…"), expanded=True) as status:
        bar = st.progress(0.0, text=upload.PHASES[0])
        try:
            saved = upload.save([forms.upload_from(f) for f in files or []], user.username)
        except FormError as err:
            status.update(label=_("Pliki odrzucone"), state="error")
            forms.show_problems(err)
            st.stop()
        st.write(_("Zapisano: {summary}.").format(summary=saved.summary))
        # Progress: the loader's stages reach the bar through this callable (upload.prepare(progress=…)).
        result = upload.prepare(
            saved, profile, user.username, progress=lambda label, share: bar.progress(share, text=label)
        )
        done = result.status == "pending"
        status.update(
            label=_("Eksport sprawdzony") if done else _("Eksport odrzucony"),
            state="complete" if done else "error",
        )
    st.session_state["import_last"] = result.load_id
    st.session_state["import_uploader"] = generation + 1  # empties the uploader: its bytes are freed
    st.rerun()

run = data_status.one(shown) if shown else None
if run is not None:
    st.subheader(_("2. Raport — import z {when}").format(when=fmt.datetime(run.started_at)))
    if run.status == "pending":
        if not loads.refusals(
            run,
            _(
                "Jeśli zmiana jest prawdziwa (np. sprzedaż budynku), możesz opublikować eksport mimo to: "
                "podaj powód i potwierdź poniżej."
            ),
        ):
            st.info(
                _("Eksport jest poprawny. Sprawdź porównanie z danymi w użyciu, potem opublikuj albo odrzuć.")
            )
    elif run.errors:
        fix = _(
            "Popraw eksport w systemie księgowym i wyślij go ponownie; "
            "każdy błąd poniżej wskazuje plik, wiersz i kolumnę."
        )
        st.error(f"{loads.errors_headline(run)} {fix}")
    else:
        st.info(_("Ten import ma status: {status}.").format(status=run.status_label))
    loads.comparison(run)
    loads.problems(run)
    loads.row_counts(run)
    report = upload.report(run.load_id)
    if report:
        st.download_button(
            _("Pobierz raport (TXT)"),
            data=report,
            file_name=f"raport-importu-{run.load_id}.txt",
            mime="text/plain",
            key="import_report",
            icon=":material/download:",
        )

if run is not None and run.status == "pending":
    st.subheader(_("3. Decyzja"))
    refused = bool(run.refusals)
    reason, confirmed = "", False
    if refused:
        reason = st.text_area(_("Powód publikacji mimo odrzucenia"), max_chars=500, key="import_reason")
        confirmed = st.checkbox(
            _("Potwierdzam, że zmiany w eksporcie są prawdziwe i mają trafić do mieszkańców."),
            key="import_confirm",
        )
    left, right = st.columns(2)
    if left.button(
        _("Opublikuj mimo odrzucenia") if refused else _("Opublikuj"), type="primary", key="import_publish"
    ):
        try:
            result = upload.publish(
                run.load_id, user.username, force=refused, reason=reason, confirmed=confirmed
            )
        except FormError as err:
            forms.show_problems(err)
        else:
            if result.status == "ok":
                flash = _("Opublikowano: mieszkańcy widzą nową wersję danych {file}.").format(
                    file=result.warehouse_file
                )
                if result.exported_at:
                    asof = _("Dane na dzień {when}.").format(when=fmt.datetime(result.exported_at))
                    flash = f"{flash} {asof}"
                st.session_state["import_flash"] = (True, flash)
                st.session_state.pop("import_last", None)
                st.rerun()
    if right.button(_("Odrzuć"), key="import_discard"):
        try:
            upload.discard(run.load_id, user.username)
        except FormError as err:
            forms.show_problems(err)
        else:
            st.session_state["import_flash"] = (
                False,
                _("Import odrzucony: mieszkańcy widzą dane bez zmian."),
            )

            st.session_state.pop("import_last", None)
            st.rerun()
