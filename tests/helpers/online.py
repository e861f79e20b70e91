"""Online payments written straight into the store, for the pages' and the domain's tests.

The pages read payments through ebok.domain.online_payments; these rows stand for what the
gateway's notifications would have left there (pay-core's own tests cover how they get there).
"""

from __future__ import annotations

import datetime as dt
import json

import yaml
from sqlalchemy import insert

from ebok.core import clock, config, settings
from ebok.storage import store
from ebok.storage.tables import online_payments

_SEQ = iter(range(1, 10**6))


def payment_id(n: int | None = None) -> str:
    """Return a fresh id of our format: EB + 14 letters or digits."""
    return f"EB261203{(n or next(_SEQ)):08d}"


def add(
    premises_id: str,
    amount_grosze: int,
    status: str = "confirmed",
    *,
    pid: str | None = None,
    username: str = "anna.nowak",
    created_at: dt.datetime | None = None,
    confirmed_at: dt.datetime | None = None,
    invoices: tuple[str, ...] = (),
    problem: str | None = None,
    gateway_ref: str | None = "ORD-1",
    exported_batch: str | None = None,
    booked_load: str | None = None,
) -> str:
    """Store one payment (times naive UTC, as the store keeps them) and return its id."""
    pid = pid or payment_id()
    created = created_at or clock.now() - dt.timedelta(minutes=5)
    if status == "confirmed" and confirmed_at is None:
        confirmed_at = created + dt.timedelta(minutes=1)
    with store.engine().begin() as con:
        con.execute(
            insert(online_payments).values(
                payment_id=pid,
                premises_id=premises_id,
                username=username,
                gateway="przelewy24",
                amount_grosze=amount_grosze,
                currency="PLN",
                invoices=json.dumps(list(invoices)),
                status=status,
                gateway_ref=gateway_ref,
                redirect_url="https://sandbox.przelewy24.pl/trnRequest/TOKEN",
                created_at=created,
                updated_at=confirmed_at or created,
                confirmed_at=confirmed_at,
                problem=problem,
                exported_batch=exported_batch,
                exported_at=created if exported_batch else None,
                booked_load=booked_load,
                booked_at=created if booked_load else None,
            )
        )
    return pid


def enable(min_amount: int = 1, max_amount: int = 20_000) -> None:
    """Switch online payments on in the test's config, with Przelewy24 keys in the secrets file."""
    data = config.to_dict(config.load())
    data["payments_online"].update(
        enabled=True, gateway="przelewy24", merchant_id=11111, pos_id=11111,
        min_amount=min_amount, max_amount=max_amount,
    )  # fmt: skip
    settings.config_file().write_text(config.dump(config.from_dict(data)), encoding="utf-8")
    path = settings.secrets_file()
    secrets = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    secrets.update(przelewy24_api_key="test-api-key", przelewy24_crc="test-crc")
    path.write_text(yaml.safe_dump(secrets), encoding="utf-8")
