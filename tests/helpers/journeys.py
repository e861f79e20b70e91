"""The journey suite's helpers: personas, the demo export read on its own, and checks of a drawn page.

Expected amounts come from the export's CSV files through the csv module and Decimal, never through
ebok's finance code: the same arithmetic (balance = minus the sum of the ledger, payments allocated
to the oldest due date first) written a second time, so a wrong number on a page cannot agree with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tests.helpers import browser as B

ZERO = Decimal("0.00")
WIDTHS = (1280, 390)
SCREENSHOTS = B.SCREENSHOTS / "journeys"


@dataclass(frozen=True)
class Persona:
    """A demo login (README.md, docs/demo-data.md) and what it stands for."""

    username: str
    password: str
    role: str  # "resident" or "admin"
    customer_id: str | None
    who: str


PERSONAS: dict[str, Persona] = {
    p.username: p
    for p in (
        Persona("anna.nowak", B.RESIDENT_PASSWORD, "resident", "L0001", "spółdzielca: mieszkanie i garaż"),
        Persona("maria.zielinska", B.RESIDENT_PASSWORD, "resident", "L0002", "właścicielka we wspólnocie"),
        Persona("blazej.wisniewski", B.RESIDENT_PASSWORD, "resident", "U0001", "najemca lokalu użytkowego"),
        Persona("jan.kowalski", B.RESIDENT_PASSWORD, "resident", "W0001", "odbiorca wody i odpadów"),
        Persona("admin", B.ADMIN_PASSWORD, "admin", None, "biuro"),
    )
}


# --- the demo export, read independently ------------------------------------------------------


def dec(text: str) -> Decimal:
    """Parse the demo dialect's decimal comma ('1086,73')."""
    return Decimal(text.replace(",", "."))


def day(text: str) -> dt.date | None:
    """Parse an ISO date; '' is None."""
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class LedgerRow:
    """One ledger.csv row: amount > 0 is owed, < 0 paid or credited."""

    entry_id: str
    kind: str
    entry_date: dt.date
    due_date: dt.date
    document_no: str
    amount: Decimal


class Export:
    """The demo export folder (ebok demo: UTF-8, ';', decimal comma, ISO dates)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @functools.cache  # noqa: B019 - one Export per session, a handful of files
    def rows(self, name: str) -> tuple[dict[str, str], ...]:
        """Return the rows of NAME.csv as dicts."""
        with open(self.folder / f"{name}.csv", encoding="utf-8", newline="") as f:
            return tuple(csv.DictReader(f, delimiter=";"))

    def columns(self, name: str) -> list[str]:
        """Return the header of NAME.csv."""
        with open(self.folder / f"{name}.csv", encoding="utf-8", newline="") as f:
            return next(csv.reader(f, delimiter=";"))

    def premises(self, premises_id: str) -> dict[str, str]:
        """Return the premises.csv row of PREMISES_ID."""
        return next(r for r in self.rows("premises") if r["premises_id"] == premises_id)

    def premises_of(self, customer_id: str) -> list[str]:
        """Return the customer's premises ids, sorted."""
        return sorted(r["premises_id"] for r in self.rows("premises") if r["customer_id"] == customer_id)

    def address(self, premises_id: str) -> str:
        """Return 'ul. Ząbkowska 7/M1' (street, number and unit as a letter shows them)."""
        r = self.premises(premises_id)
        return f"{r['street']} {r['building_no']}" + (f"/{r['unit_no']}" if r["unit_no"] else "")

    def ledger(self, premises_id: str) -> list[LedgerRow]:
        """Return the premises' ledger, oldest first."""
        out = [
            LedgerRow(
                r["entry_id"],
                r["kind"],
                day(r["entry_date"]),  # type: ignore[arg-type]
                day(r["due_date"]) or day(r["entry_date"]),  # type: ignore[arg-type]
                r["document_no"],
                dec(r["amount"]),
            )
            for r in self.rows("ledger")
            if r["premises_id"] == premises_id
        ]
        return sorted(out, key=lambda e: (e.entry_date, e.entry_id))

    def monthly_fee(self, premises_id: str) -> Decimal | None:
        """Return the sum of the premises' charge components in its latest period (None: no charges)."""
        rows = [r for r in self.rows("charges") if r["premises_id"] == premises_id]
        if not rows:
            return None
        latest = max(r["period"] for r in rows)
        return sum((dec(r["amount"]) for r in rows if r["period"] == latest), ZERO)


@dataclass(frozen=True)
class Money:
    """What a premises owes, computed here from its ledger rows as of TODAY."""

    balance: Decimal  # > 0 overpaid, < 0 arrears
    overdue: Decimal  # unpaid after the due date
    upcoming: Decimal  # unpaid, due today or later
    opening: Decimal  # balance before Rachunki's default period
    charges: Decimal  # owed in the default period
    payments: Decimal  # paid or credited in the default period
    closing: Decimal  # balance at the end of the default period

    @property
    def to_pay(self) -> Decimal:
        """Every unpaid item, overdue or not."""
        return self.overdue + self.upcoming


def first_of_month_back(today: dt.date, months: int) -> dt.date:
    """Return the first day of the month MONTHS before TODAY's month."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def fifo(ledger: list[LedgerRow], today: dt.date) -> tuple[Decimal, Decimal]:
    """Return (overdue, upcoming): what stays unpaid when payments cover the oldest due date first."""
    paid = -sum((e.amount for e in ledger if e.amount < 0), ZERO)
    owed = sorted((e for e in ledger if e.amount > 0), key=lambda e: (e.due_date, e.entry_date, e.entry_id))
    overdue = upcoming = ZERO
    before = ZERO  # owed by the items with an earlier due date, which payments cover first
    for e in owed:
        remaining = max(ZERO, min(e.amount, before + e.amount - paid))
        before += e.amount
        if e.due_date < today:
            overdue += remaining
        else:
            upcoming += remaining
    return overdue, upcoming


def money_of(ledger: list[LedgerRow], today: dt.date) -> Money:
    """Balance, FIFO overdue/upcoming and Rachunki's default-period totals (the last 12 months)."""
    overdue, upcoming = fifo(ledger, today)
    start = max(ledger[0].entry_date, first_of_month_back(today, 11)) if ledger else today
    end = max(ledger[-1].entry_date, today) if ledger else today
    period = [e.amount for e in ledger if start <= e.entry_date <= end]
    return Money(
        balance=-sum((e.amount for e in ledger), ZERO),
        overdue=overdue,
        upcoming=upcoming,
        opening=-sum((e.amount for e in ledger if e.entry_date < start), ZERO),
        charges=sum((a for a in period if a > 0), ZERO),
        payments=-sum((a for a in period if a < 0), ZERO),
        closing=-sum((e.amount for e in ledger if e.entry_date <= end), ZERO),
    )


def zl(value: Decimal) -> str:
    """Format złoty the Polish way: '1 234,56 zł' (plain spaces; page text is normalised)."""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("-" if value < 0 else "") + " ".join([whole, *groups]) + f",{frac} zł"


def nrb(digits: str) -> str:
    """Group an account number as on a bill: '91 1090 1014 …'."""
    return digits[:2] + " " + " ".join(digits[i : i + 4] for i in range(2, len(digits), 4))


def normalise(text: str) -> str:
    """Collapse every kind of space (babel uses no-break spaces) and unify minus signs."""
    return re.sub(r"\s+", " ", text.replace("\u2212", "-"))


def shows_amount(text: str, amount: str) -> bool:
    """Return True when AMOUNT ('1 234,56 zł') stands in TEXT as a whole number, not a tail of one."""
    return re.search(r"(?<![\d,])(?<!\d )" + re.escape(amount), normalise(text)) is not None


def expected_amounts(page_file: str, money: Money, export: Export, premises_id: str) -> dict[str, str]:
    """Return {what: text} the page PAGE_FILE must show for the premises (its own numbers)."""
    stem = Path(page_file).stem
    if stem == "saldo":
        out = {"saldo": zl(abs(money.balance)), "po terminie": zl(money.overdue)}
        if money.to_pay > 0:
            out["do zapłaty teraz"] = zl(money.to_pay)
        return out
    if stem == "rachunki":
        return {
            "saldo na początek okresu": zl(abs(money.opening)),
            "naliczenia w okresie": zl(money.charges),
            "wpłaty i uznania w okresie": zl(money.payments),
            "saldo na koniec okresu": zl(abs(money.closing)),
        }
    if stem == "faktury":
        return {"po terminie": zl(money.overdue), "do zapłaty w terminie": zl(money.upcoming)}
    if stem == "zaplac":
        out = {"rachunek lokalu": nrb(export.premises(premises_id)["bank_account"])}
        if money.to_pay > 0:
            out["do zapłaty"] = zl(money.to_pay)
        elif money.balance > 0:
            out["nadpłata"] = zl(money.balance)
        return out
    if stem == "moje_dane":
        fee = export.monthly_fee(premises_id)
        return {} if fee is None else {"razem miesięcznie": zl(fee)}
    return {}


# --- checks of the page in the browser ---------------------------------------------------------

# Elements reaching past the right edge of the layout viewport, outermost only. Not counted: what
# an ancestor clips on purpose (overflow-x hidden or clip, the ancestor itself fitting) and the data
# grid (st.dataframe draws on a canvas that scrolls in its own frame). Anything else that sticks out,
# also inside a box that scrolls sideways (a code block, a table), makes a phone user scroll sideways.
OVERFLOW_JS = """(vw) => {
    const doc = document.documentElement;
    const main = document.querySelector('[data-testid="stMain"]');
    const found = [];
    // Streamlit's own frame (app, view container, main) clips the page: a clip there is the overflow.
    const frame = '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stApp"]';
    const contained = (el) => {
        for (let a = el.parentElement; a && !a.matches(frame); a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            if ((x === 'hidden' || x === 'clip') && a.getBoundingClientRect().right <= vw + 1) return true;
        }
        return false;
    };
    const root = document.querySelector('[data-testid="stApp"]') || document.body;
    for (const el of root.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
        const s = getComputedStyle(el);
        if (s.visibility === 'hidden' || s.display === 'none') continue;
        if (el.closest('[data-testid="stSidebar"][data-collapsed="true"]')) continue;
        if (el.closest('[data-testid="stDataFrame"]')) continue;
        // The body of a closed expander is not drawn (its text is empty) though it keeps a box.
        if (el.closest('details:not([open])') && !el.closest('summary')) continue;
        if (contained(el)) continue;
        if (found.some((f) => f.el.contains(el))) continue;
        found.push({el, right: Math.round(r.right)});
    }
    const describe = ({el, right}) => {
        const id = el.getAttribute('data-testid');
        const cls = (el.getAttribute('class') || '').split(/\\s+/)[0];
        const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
        return `<${el.tagName.toLowerCase()}${id ? ' data-testid=' + id : ''}${cls ? ' .' + cls : ''}>`
            + ` right edge ${right} px: "${text.slice(0, 60)}"`;
    };
    const out = found.slice(0, 8).map(describe);
    if (doc.scrollWidth > vw) out.unshift(`document scrolls sideways: scrollWidth ${doc.scrollWidth} px`);
    if (main && main.scrollWidth > main.clientWidth + 1)
        out.unshift(`stMain scrolls sideways: scrollWidth ${main.scrollWidth} > ${main.clientWidth} px`);
    return out;
}"""


def overflow_findings(page, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Return what sticks out past WIDTH px (empty when nothing scrolls sideways)."""
    return list(page.evaluate(OVERFLOW_JS, width))


def screenshot(page, persona: str, width: int, page_file: str, suffix: str = "") -> Path:  # type: ignore[no-untyped-def]
    """Write artifacts/screenshots/journeys/<persona>-<width>-<page><suffix>.png, the whole page.

    Streamlit scrolls its main area, not the document, so Playwright's full_page sees one screen
    (and paints the rest as blank placeholders): the viewport is made as tall as the main area for
    the shot, then restored. Only the height changes, so the layout under test stays the same.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{persona}-{width}-{Path(page_file).stem}{suffix}.png"
    viewport = page.viewport_size
    tall = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
    )
    if tall > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": int(tall)})
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    try:
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(viewport)
    return path


def main_text(page) -> str:  # type: ignore[no-untyped-def]
    """Return the main area's text plus the values of its inputs (the premises selector's choice)."""
    main = page.locator('[data-testid="stMain"]')
    values = main.locator("input").evaluate_all("els => els.map((e) => e.value)")
    return normalise(main.inner_text() + " " + " ".join(values))


PREMISES_IN_LABEL = re.compile(r"\(([A-Za-z0-9/._-]+)\)")


def shown_premises(page) -> str | None:  # type: ignore[no-untyped-def]
    """Return the premises id the "Lokal" selector shows ('…, Warszawa (B0001/M001)'), None without one."""
    selector = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text("Lokal", exact=True)
    )
    if selector.count() == 0:
        return None
    # The chosen option is the value of the combobox input, not text of the widget.
    found = PREMISES_IN_LABEL.findall(normalise(selector.first.locator("input").first.input_value()))
    return found[-1] if found else None


def pick_premises(page, premises_id: str) -> None:  # type: ignore[no-untyped-def]
    """Choose PREMISES_ID in the "Lokal" selector under the page title and wait for the rerun."""
    B.wait_idle(page)
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text("Lokal", exact=True)
    ).first.click()
    page.get_by_role("option").filter(has_text=premises_id).first.click()
    B.settle(page)
