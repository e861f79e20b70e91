"""Stan danych: recent loads of the accounting export, rejected rows and why, rollback instructions."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, text
from ebok.core.i18n import _
from ebok.domain import data_status, pending
from ebok.web import guard, loads, tables

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Stan danych"))

problem = data_status.warehouse_problem()
if problem is not None:
    st.error(text.escape_markdown(problem.text))
    st.code(problem.command, language="bash")

items = data_status.runs(limit=50)
warning = data_status.missed_nightly(items=data_status.runs(limit=500))
if warning:
    st.warning(warning)

current, published = data_status.versions()
ok = data_status.last_ok(items)
c1, c2, c3 = st.columns(3)
c1.metric(_("Hurtownia w użyciu"), current or _("brak"))
c2.metric(_("Ostatnie udane ładowanie"), fmt.datetime(ok.finished_at or ok.started_at) if ok else "—")
c3.metric(_("Dane na dzień"), fmt.datetime(ok.exported_at) if ok and ok.exported_at else "—")

st.subheader(_("Ostatnie ładowania"))
if not items:
    st.info(
        _("Nie było jeszcze żadnego ładowania. Załaduj eksport poleceniem `{command}`.").format(
            command=data_status.LOAD_COMMAND
        )
    )
else:
    st.dataframe(
        [
            {
                _("Początek"): fmt.datetime(r.started_at),
                _("Koniec"): fmt.datetime(r.finished_at) if r.finished_at else "",
                _("Status"): r.status_label,
                _("Źródło"): r.source,
                _("Wierszy"): r.total_rows,
                _("Błędów"): len(r.errors),
                _("Ostrzeżeń"): len(r.warnings),
                _("Dane na dzień"): fmt.datetime(r.exported_at) if r.exported_at else "",
                _("Plik hurtowni"): r.warehouse_file or "",
            }
            for r in items
        ],
        hide_index=True,
        width="stretch",
    )
    by_id = {r.load_id: r for r in items}
    chosen = st.selectbox(
        _("Szczegóły ładowania"),
        list(by_id),
        format_func=lambda i: f"{fmt.datetime(by_id[i].started_at)} · {by_id[i].status_label} · {i}",
        key="load_chosen",
    )
    run = by_id[chosen]
    force_hint = _(
        "Jeśli zmiana jest prawdziwa, administrator publikuje eksport mimo to poleceniem `{command}`."
    ).format(command='python -m ebok load KATALOG --force --reason "…"')
    if not loads.refusals(run, force_hint) and run.errors:
        st.error(loads.errors_headline(run))
    loads.comparison(run)
    loads.problems(run)
    loads.row_counts(run)

with st.expander(_("Historia ładowań zapisana w hurtowni (etl_loads)")):
    history = data_status.warehouse_loads()
    if not history:
        st.caption(_("Brak hurtowni albo historii."))
    else:
        st.dataframe(
            [
                {
                    _("Początek"): fmt.datetime(r.started_at),
                    _("Status"): r.status_label,
                    _("Wierszy"): r.total_rows,
                    _("Błędów"): len(r.errors),
                    _("Plik hurtowni"): r.warehouse_file or "",
                }
                for r in history
            ],
            hide_index=True,
            width="stretch",
        )

st.subheader(_("Płatności online czekające na zaksięgowanie"))
unbooked = data_status.unbooked_payments()
if unbooked:
    st.markdown(
        _(
            "Opłaconych online, a jeszcze niezaksięgowanych przez żadne ładowanie: **{count}** "
            "na kwotę **{amount}** (najstarsze pierwsze). Mieszkańcy widzą je "
            "jako wpłaty w trakcie księgowania; znikają po ładowaniu eksportu, który je zaksięguje."
        ).format(count=len(unbooked), amount=fmt.money(pending.total(unbooked)))
    )
    tables.show(data_status.unbooked_rows(unbooked), tables.UNBOOKED_PAYMENTS, key="dane_online_unbooked")
else:
    st.caption(_("Wszystkie potwierdzone płatności online zostały zaksięgowane."))

st.subheader(_("Powiadomienia e-mail"))
box = data_status.outbox_state()
st.markdown(
    _(
        "E-maili w kolejce: **{pending}**, w tym po nieudanej próbie wysyłki: **{failing}**. "
        "Po nocnym ładowaniu powiadomienia o nowych fakturach i dokumentach kolejkuje polecenie "
        "`python -m ebok notify`, a wysyła `python -m ebok mail-flush`."
    ).format(pending=box.pending, failing=box.failing)
)
if box.last_error:
    st.warning(_("Ostatni błąd serwera poczty:"))
    st.text(box.last_error)
st.caption(
    _(
        "Powiadomienia z ostatnich {days} dni według zdarzeń (codzienne przypomnienia: "
        "`python -m ebok notify --due`; kto, kiedy i z jakim skutkiem: strona „Wiadomości e-mail”)."
    ).format(days=data_status.NOTIFICATION_DAYS)
)
st.dataframe(data_status.notification_rows(), hide_index=True, width="stretch", key="dane_powiadomienia")

st.subheader(_("Przywracanie poprzedniej wersji"))
st.markdown(
    _(
        "Jeśli nocne dane okazały się błędne, administrator serwera przywraca poprzednią wersję hurtowni "
        "(portal od razu pokazuje dane z niej, nic nie trzeba restartować):"
    )
)
st.code(data_status.ROLLBACK_COMMAND, language="bash")
st.markdown(_("Bieżący stan i ostatnie ładowania w terminalu:"))
st.code(data_status.STATUS_COMMAND, language="bash")
if published:
    st.caption(_("Dostępne wersje: {versions}").format(versions=", ".join(published[-5:])))
