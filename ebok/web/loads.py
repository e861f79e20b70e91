"""One load's report for the office, shared by "Stan danych" and "Import danych": refusals, comparison, problems."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, text
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
            "Opublikowano mimo odrzucenia przez kontrolę wiarygodności (decyzja i powód w dzienniku "
            "zdarzeń):\n\n" + listed
        )
    else:
        st.error(
            "Kontrola wiarygodności odrzuciła eksport (porównanie z hurtownią w użyciu):\n\n"
            + listed
            + "\n\n"
            + how_to_force
        )
    return True


def comparison(run: data_status.LoadRun) -> None:
    """Show the comparison with the warehouse served: premises, customers, balance, ledger per month."""
    if run.diff is not None:
        st.caption(f"Porównanie z hurtownią w użyciu przed tym ładowaniem ({run.diff.served})")
        st.dataframe(data_status.diff_summary(run.diff), hide_index=True, width="stretch")
        st.caption("Zapisy konta lokali (księga) per miesiąc")
        st.dataframe(data_status.ledger_months(run.diff), hide_index=True, width="stretch")
    elif run.status in ("ok", "pending"):
        st.caption("Bez porównania: pierwsze ładowanie (nie było hurtowni, z którą można porównać).")


def problems(run: data_status.LoadRun) -> None:
    """Show every error and warning with its file, line and column (or that there were none)."""
    if not run.problems:
        st.caption("Bez błędów i ostrzeżeń.")
        return
    st.dataframe(
        [
            {
                "Rodzaj": "błąd" if p.level == "error" else "ostrzeżenie",
                "Plik": p.file or "",
                "Wiersz": p.line,
                "Kolumna": p.column or "",
                "Powód": p.message,
            }
            for p in run.problems
        ],
        hide_index=True,
        width="stretch",
    )


def row_counts(run: data_status.LoadRun) -> None:
    """Show the number of rows read from each file."""
    if run.row_counts:
        st.caption("Liczby wierszy w plikach")
        st.dataframe(
            [{"Tabela": t, "Wierszy": n} for t, n in sorted(run.row_counts.items())],
            hide_index=True,
        )


def errors_headline(run: data_status.LoadRun) -> str:
    """Return 'Ładowanie odrzucone: N błędów. …' for a load refused by its errors."""
    errors = f"{len(run.errors)} {fmt.plural(len(run.errors), 'błąd', 'błędy', 'błędów')}"
    return f"Ładowanie odrzucone: {errors}. Dane z tego eksportu nie zostały użyte."
