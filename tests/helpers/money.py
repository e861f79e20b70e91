"""Demo data for the money pages' AppTests, and an independent reading of the export CSV files.

`demo_loaded()`: one demo export (ebok.demo.generate, 20 premises) loaded once per process by
the real loader into its own data directory. `use_demo(data_dir)` copies that warehouse and its
PDFs into a test's own data directory. The expected numbers are computed here from the export's
CSV files with the csv module only — never through ebok.domain.finance — so the pages are checked against
an independent implementation (FIFO allocation included).
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import functools
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from ebok.core import clock
from ebok.storage import store, warehouse
from tests.helpers import cards

DEMO_PREMISES = 20
DEMO_SEED = 7
RESIDENTS = {"anna.nowak": "L0001", "blazej.wisniewski": "U0001"}


@dataclass(frozen=True)
class Demo:
    """Where the session's demo export and its loaded data directory are."""

    export_dir: Path
    data_dir: Path


@functools.cache
def demo_loaded() -> Demo:
    """Generate the demo export once per process and load it with the real loader (shared by modules)."""
    from ebok import demo, loader

    root = Path(tempfile.mkdtemp(prefix="ebok-money-demo-"))
    atexit.register(shutil.rmtree, root, True)
    export_dir, data = root / "export", root / "data"
    data.mkdir()
    demo.generate(export_dir, premises=DEMO_PREMISES, seed=DEMO_SEED, as_of=clock.today())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EBOK_DATA_DIR", str(data))
        mp.setenv("EBOK_CONFIG", str(root / "config.yaml"))
        mp.delenv("EBOK_STORE_URL", raising=False)
        result = loader.load(export_dir)
        assert result.exit_code == 0, result
        warehouse.close_all()
        store.dispose_all()
    return Demo(export_dir, data)


def use_demo(demo: Demo, data_dir: Path) -> None:
    """Copy the loaded demo warehouse and PDFs into the test's data directory."""
    for name in ("warehouse", "documents"):
        src = demo.data_dir / name
        if src.exists():
            shutil.copytree(src, data_dir / name, dirs_exist_ok=True)


# --- independent reading of the export files --------------------------------------------------


def read(export_dir: Path, table: str) -> list[dict[str, str]]:
    """Return the rows of TABLE.csv as dicts of strings (demo dialect: ';', UTF-8)."""
    with open(export_dir / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def dec(text: str) -> Decimal:
    """Parse a demo amount ('1 234,56' or '1234.56')."""
    return Decimal(text.replace("\xa0", "").replace(" ", "").replace(",", ".")) if text else Decimal(0)


def day(text: str) -> dt.date | None:
    """Parse an ISO date or return None for an empty cell."""
    return dt.date.fromisoformat(text) if text else None


def premises_of(export_dir: Path, customer_id: str) -> list[str]:
    """Return the customer's premises ids, sorted."""
    return sorted(r["premises_id"] for r in read(export_dir, "premises") if r["customer_id"] == customer_id)


@dataclass(frozen=True)
class Expected:
    """What a resident must see for one premises, computed from ledger.csv."""

    balance: Decimal  # + overpayment, − arrears
    overdue: Decimal
    open_total: Decimal
    next_due: dt.date | None
    next_due_amount: Decimal
    remaining: dict[str, Decimal]  # entry_id -> unpaid zł


def expected(
    export_dir: Path, premises_id: str, today: dt.date, extra_paid: Decimal = Decimal(0)
) -> Expected:
    """Compute balance, FIFO remaining per charge, overdue and the next due date for a premises.

    EXTRA_PAID: zł paid on top of the ledger (online payments not booked yet), allocated like the rest.
    """
    rows = [r for r in read(export_dir, "ledger") if r["premises_id"] == premises_id]
    amounts = [dec(r["amount"]) for r in rows]
    balance = -sum(amounts, Decimal(0)) + extra_paid
    paid = -sum((a for a in amounts if a < 0), Decimal(0)) + extra_paid
    debits = sorted(
        (r for r in rows if dec(r["amount"]) > 0),
        key=lambda r: (day(r["due_date"]) or day(r["entry_date"]), day(r["entry_date"]), r["entry_id"]),
    )
    remaining: dict[str, Decimal] = {}
    due_of: dict[str, dt.date] = {}
    for r in debits:
        amount = dec(r["amount"])
        covered = min(amount, paid)
        paid -= covered
        remaining[r["entry_id"]] = amount - covered
        due_of[r["entry_id"]] = day(r["due_date"]) or day(r["entry_date"])
    open_ids = [e for e, left in remaining.items() if left > 0]
    overdue = sum((remaining[e] for e in open_ids if due_of[e] < today), Decimal(0))
    future = sorted({due_of[e] for e in open_ids if due_of[e] >= today})
    next_due = future[0] if future else None
    next_amount = sum((remaining[e] for e in open_ids if due_of[e] == next_due), Decimal(0))
    return Expected(
        balance=balance,
        overdue=overdue,
        open_total=sum((remaining[e] for e in open_ids), Decimal(0)),
        next_due=next_due,
        next_due_amount=next_amount,
        remaining=remaining,
    )


def pl_money(value: Decimal) -> str:
    """Format zł as the pages do ('1 234,56 zł', non-breaking space), independently of ebok.core.fmt."""
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{chr(160).join(groups)},{frac} zł"


def parse_money(text: str) -> Decimal:
    """Parse '1 234,56 zł' back to Decimal."""
    return dec(text.replace("zł", "").strip())


# --- AppTest helpers ------------------------------------------------------------------------


def run_page(page: str, username: str, premises_id: str | None = None, **query: str):  # noqa: ANN201
    """Run pages/PAGE signed in as USERNAME showing PREMISES_ID; fail on an exception."""
    from ebok.web.session import PREMISES_KEY
    from tests.helpers import auth

    at = auth.page(page, username, **query)
    if premises_id:
        at.session_state[PREMISES_KEY] = premises_id
    at.run()
    assert not at.exception, at.exception
    return at


def all_text(at) -> str:  # noqa: ANN001
    """Return every text the page shows (messages, metrics, tables, selector options, code, buttons)."""
    kinds = ("markdown", "caption", "info", "success", "error", "warning", "subheader", "title", "code")
    parts = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [f"{label} {value}" for label, value in cards.figure_list(at)]
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    parts += [str(t.value.to_dict()) for t in at.table]
    parts += [str(sb.options) for sb in at.selectbox]
    parts += [str(el.proto) for el in at.get("download_button")]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def frame_with(at, column: str, value: str | None = None):  # noqa: ANN001, ANN201
    """Return the first table (DataFrame) shown with COLUMN (and VALUE in it, when given)."""
    for df in at.dataframe:
        frame = df.value
        if column in frame.columns and (value is None or value in list(frame[column])):
            return frame
    raise KeyError(column)
