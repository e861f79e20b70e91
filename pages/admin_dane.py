"""Stan danych: recent loads of the accounting export, rejected rows and why, rollback instructions."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, text
from ebok.domain import data_status, pending
from ebok.web import guard, loads, tables

user = guard.require_login("admin")
guard.data_as_of()

st.title("Stan danych")

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
c1.metric("Hurtownia w użyciu", current or "brak")
c2.metric("Ostatnie udane ładowanie", fmt.datetime(ok.finished_at or ok.started_at) if ok else "—")
c3.metric("Dane na dzień", fmt.datetime(ok.exported_at) if ok and ok.exported_at else "—")

st.subheader("Ostatnie ładowania")
if not items:
    st.info(f"Nie było jeszcze żadnego ładowania. Załaduj eksport poleceniem `{data_status.LOAD_COMMAND}`.")
else:
    st.dataframe(
        [
            {
                "Początek": fmt.datetime(r.started_at),
                "Koniec": fmt.datetime(r.finished_at) if r.finished_at else "",
                "Status": r.status_label,
                "Źródło": r.source,
                "Wierszy": r.total_rows,
                "Błędów": len(r.errors),
                "Ostrzeżeń": len(r.warnings),
                "Dane na dzień": fmt.datetime(r.exported_at) if r.exported_at else "",
                "Plik hurtowni": r.warehouse_file or "",
            }
            for r in items
        ],
        hide_index=True,
        width="stretch",
    )
    by_id = {r.load_id: r for r in items}
    chosen = st.selectbox(
        "Szczegóły ładowania",
        list(by_id),
        format_func=lambda i: f"{fmt.datetime(by_id[i].started_at)} · {by_id[i].status_label} · {i}",
        key="load_chosen",
    )
    run = by_id[chosen]
    force_hint = (
        "Jeśli zmiana jest prawdziwa, administrator publikuje eksport mimo to poleceniem "
        '`python -m ebok load KATALOG --force --reason "…"`.'
    )
    if not loads.refusals(run, force_hint) and run.errors:
        st.error(loads.errors_headline(run))
    loads.comparison(run)
    loads.problems(run)
    loads.row_counts(run)

with st.expander("Historia ładowań zapisana w hurtowni (etl_loads)"):
    history = data_status.warehouse_loads()
    if not history:
        st.caption("Brak hurtowni albo historii.")
    else:
        st.dataframe(
            [
                {
                    "Początek": fmt.datetime(r.started_at),
                    "Status": r.status_label,
                    "Wierszy": r.total_rows,
                    "Błędów": len(r.errors),
                    "Plik hurtowni": r.warehouse_file or "",
                }
                for r in history
            ],
            hide_index=True,
            width="stretch",
        )

st.subheader("Płatności online czekające na zaksięgowanie")
unbooked = data_status.unbooked_payments()
if unbooked:
    st.markdown(
        f"Opłaconych online, a jeszcze niezaksięgowanych przez żadne ładowanie: **{len(unbooked)}** "
        f"na kwotę **{fmt.money(pending.total(unbooked))}** (najstarsze pierwsze). Mieszkańcy widzą je "
        "jako wpłaty w trakcie księgowania; znikają po ładowaniu eksportu, który je zaksięguje."
    )
    tables.show(data_status.unbooked_rows(unbooked), tables.UNBOOKED_PAYMENTS, key="dane_online_unbooked")
else:
    st.caption("Wszystkie potwierdzone płatności online zostały zaksięgowane.")

st.subheader("Powiadomienia e-mail")
box = data_status.outbox_state()
st.markdown(
    f"E-maili w kolejce: **{box.pending}**, w tym po nieudanej próbie wysyłki: **{box.failing}**. "
    "Po nocnym ładowaniu powiadomienia o nowych fakturach i dokumentach kolejkuje polecenie "
    "`python -m ebok notify`, a wysyła `python -m ebok mail-flush`."
)
if box.last_error:
    st.warning("Ostatni błąd serwera poczty:")
    st.text(box.last_error)
st.caption(
    f"Powiadomienia z ostatnich {data_status.NOTIFICATION_DAYS} dni według zdarzeń (codzienne przypomnienia: "
    "`python -m ebok notify --due`; kto, kiedy i z jakim skutkiem: strona „Wiadomości e-mail”)."
)
st.dataframe(data_status.notification_rows(), hide_index=True, width="stretch", key="dane_powiadomienia")

st.subheader("Przywracanie poprzedniej wersji")
st.markdown(
    "Jeśli nocne dane okazały się błędne, administrator serwera przywraca poprzednią wersję hurtowni "
    "(portal od razu pokazuje dane z niej, nic nie trzeba restartować):"
)
st.code(data_status.ROLLBACK_COMMAND, language="bash")
st.markdown("Bieżący stan i ostatnie ładowania w terminalu:")
st.code(data_status.STATUS_COMMAND, language="bash")
if published:
    st.caption("Dostępne wersje: " + ", ".join(published[-5:]))
