"""One load's report for the office, shared by "Stan danych" and "Import danych": refusals, comparison, problems."""

from __future__ import annotations

import streamlit as st

from ebok.core import text
from ebok.core.i18n import _, ngettext
from ebok.domain import data_status


def refusals(run: data_status.LoadRun, how_to_force: str) -> bool:
    """Show the comparison's refusals (or that they were overridden); return True when shown.

    HOW_TO_FORCE tells the office how to publish a refused export anyway (Markdown, ours).
    """
    if not run.refusals:
        return False
    listed = "\n".join(f"- {text.escape_markdown(p.message)}" for p in run.refusals)
    if run.status == "ok":
        st.warning(
            _(
                "Opublikowano mimo odrzucenia przez kontrolę wiarygodności (decyzja i powód w dzienniku "
                "zdarzeń):\n\n{problems}"
            ).format(problems=listed)
        )
    else:
        st.error(
            _(
                "Kontrola wiarygodności odrzuciła eksport (porównanie z hurtownią w użyciu):\n\n"
                "{problems}\n\n{how_to_force}"
            ).format(problems=listed, how_to_force=how_to_force)
        )
    return True


def comparison(run: data_status.LoadRun) -> None:
    """Show the comparison with the warehouse served: premises, customers, balance, ledger per month."""
    if run.diff is not None:
        st.caption(
            _("Porównanie z hurtownią w użyciu przed tym ładowaniem ({served})").format(
                served=run.diff.served
            )
        )
        st.dataframe(data_status.diff_summary(run.diff), hide_index=True, width="stretch")
        st.caption(_("Zapisy konta lokali (księga) per miesiąc"))
        st.dataframe(data_status.ledger_months(run.diff), hide_index=True, width="stretch")
    elif run.status in ("ok", "pending"):
        st.caption(_("Bez porównania: pierwsze ładowanie (nie było hurtowni, z którą można porównać)."))


def problems(run: data_status.LoadRun) -> None:
    """Show every error and warning with its file, line and column (or that there were none)."""
    if not run.problems:
        st.caption(_("Bez błędów i ostrzeżeń."))
        return
    st.dataframe(
        [
            {
                _("Rodzaj"): _("błąd") if p.level == "error" else _("ostrzeżenie"),
                _("Plik"): p.file or "",
                _("Wiersz"): p.line,
                _("Kolumna"): p.column or "",
                _("Powód"): p.message,
            }
            for p in run.problems
        ],
        hide_index=True,
        width="stretch",
    )


def row_counts(run: data_status.LoadRun) -> None:
    """Show the number of rows read from each file."""
    if run.row_counts:
        st.caption(_("Liczby wierszy w plikach"))
        st.dataframe(
            [{_("Tabela"): t, _("Wierszy"): n} for t, n in sorted(run.row_counts.items())],
            hide_index=True,
        )


def errors_headline(run: data_status.LoadRun) -> str:
    """Return 'Ładowanie odrzucone: N błędów. …' for a load refused by its errors."""
    n = len(run.errors)
    return ngettext(
        "Ładowanie odrzucone: {n} błąd. Dane z tego eksportu nie zostały użyte.",
        "Ładowanie odrzucone: {n} błędy. Dane z tego eksportu nie zostały użyte.",
        n,
    ).format(n=n)
