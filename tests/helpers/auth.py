"""AppTest helpers for signed-in pages: demo auth.yaml, real server-side sessions."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ebok.auth import sessions, users
from ebok.core import settings
from ebok.storage import warehouse
from ebok.web.session import PREMISES_KEY, SID_KEY

DEMO_AUTH = settings.ROOT / "auth.yaml"
RESIDENT_PASSWORD = "Mieszkaniec-2026!"
ADMIN_PASSWORD = "Biuro-ebok-2026!"
DEMO_USERS = ("admin", "anna.nowak", "blazej.wisniewski", "maria.zielinska", "jan.kowalski")


def write_demo_auth(path: Path | None = None) -> Path:
    """Copy the demo users (bcrypt hashes from the repository's auth.yaml) to PATH (default: EBOK_AUTH_FILE)."""
    path = Path(path or settings.auth_file())
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEMO_AUTH, path)
    return path


def login_as(at: AppTest, username: str, premises_id: str | None = None) -> str:
    """Start a real server-side session for USERNAME and prime AT's session_state; return its id.

    Writes the demo auth.yaml first when the test's auth file does not exist yet.
    """
    if not settings.auth_file().exists():
        write_demo_auth()
    if users.get(username) is None:
        raise KeyError(f"{username} is not in {settings.auth_file()}")
    session_id = sessions.create(username, "127.0.0.1")
    at.session_state[SID_KEY] = session_id
    if premises_id is not None:
        at.session_state[PREMISES_KEY] = premises_id
    return session_id


def page(path: str, username: str | None = None, timeout: float = 30, **query: str) -> AppTest:
    """Return an AppTest for pages/PATH (or app.py), signed in as USERNAME when given, not yet run."""
    at = AppTest.from_file(str(settings.ROOT / path), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    if username:
        login_as(at, username)
    return at


def resident_warehouse() -> dict[str, tuple[str, ...]]:
    """Build a tiny current warehouse for the demo residents; return {customer_id: premises ids}.

    Anna Nowak (L0001) has a flat and a garage; each customer has 3 charges/invoices with document
    numbers (the registration proof reads the last 3) and a payment.
    """
    import datetime as dt
    from decimal import Decimal

    from tests.helpers import tiny_warehouse as tw

    layout = {
        "L0001": ("Anna Nowak", ("L0001-M1", "L0001-G1")),
        "U0001": ("Zakład Fryzjerski Błażej Wiśniewski", ("U0001-U1",)),
        "L0002": ("Maria Zielińska", ("L0002-M1",)),
        "W0001": ("Jan Kowalski", ("W0001-D1",)),
    }
    customers, premises_rows, ledger = [], [], []
    for cid, (name, pids) in layout.items():
        customers.append(tw.customer(cid, name))
        for pid in pids:
            premises_rows.append(tw.premises(pid, cid, "B1"))
        for month in range(8, 12):
            ledger.append(
                {
                    "entry_id": f"{cid}-C{month}",
                    "premises_id": pids[0],
                    "kind": "invoice" if cid.startswith("U") else "charge",
                    "entry_date": dt.date(2026, month, 1),
                    "due_date": dt.date(2026, month, 15),
                    "document_no": f"N/{cid}/2026/{month:02d}",
                    "description": "Opłata miesięczna",
                    "amount": Decimal(f"{400 + month}.50"),
                }
            )
        ledger.append(
            {
                "entry_id": f"{cid}-P1",
                "premises_id": pids[0],
                "kind": "payment",
                "entry_date": dt.date(2026, 11, 10),
                "description": "Wpłata",
                "amount": Decimal("-400.00"),
            }
        )
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        built = tw.build({"customers": customers, "premises": premises_rows, "ledger": ledger})
        _TEMPLATE = Path(tempfile.mkdtemp(prefix="ebok-auth-wh-")) / built.name
        shutil.copyfile(built, _TEMPLATE)
    else:  # building takes seconds; every test gets its own copy of the same file
        target = settings.warehouse_dir() / _TEMPLATE.name
        shutil.copyfile(_TEMPLATE, target)
        warehouse.publish(target)
    return {cid: pids for cid, (_name, pids) in layout.items()}


_TEMPLATE: Path | None = None
