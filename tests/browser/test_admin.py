"""The office in a real browser: approving a registration made through the auth module's API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import browser as B

pytestmark = pytest.mark.browser
# The amounts a registering resident may quote as proof (the auth module's own query).
PROOF_SQL = (B.ROOT / "ebok" / "storage" / "sql" / "queries" / "auth_registration_amounts.sql").read_text(
    encoding="utf-8"
)


def _pending_registration() -> tuple[str, str]:
    """Register a customer without an account (valid proof from the ledger); return (id, username)."""
    from ebok.auth import registration, users
    from ebok.storage import warehouse

    taken = {u.customer_id for u in users.all_users() if u.customer_id}
    with warehouse.cursor() as cur:
        customers = [
            r[0] for r in cur.execute("SELECT customer_id FROM customers ORDER BY customer_id").fetchall()
        ]
        for customer_id in customers:
            if customer_id in taken:
                continue
            proof = cur.execute(PROOF_SQL, {"customer_id": customer_id, "per_premises": 6}).fetchall()
            if proof:
                break
        else:
            raise AssertionError(
                "no customer without an account has a charge or payment to prove identity with"
            )
    amount = proof[0][3]
    username = f"nowy.{customer_id.lower()}"
    result = registration.register(
        registration.RegistrationForm(
            customer_id=customer_id,
            email=f"{username}@example.com",
            username=username,
            password="Zielone-Jabłko-2026!",
            repeat="Zielone-Jabłko-2026!",
            amount=str(amount).replace(".", ","),
            accept_regulations=True,
            bot_answer="7",
        ),
        registration.Challenge("Ile to jest trzy dodać cztery?", 7),
        client_address="127.0.0.77",
        elapsed_seconds=60.0,
    )
    assert not result.auto_approved, "config auto-approves registrations: nothing for the office to do"
    return str(result.registration_id), username


def test_admin_approves_a_pending_registration(page, server_store):
    """The office sees the pending registration, clicks Zatwierdź, and it is approved in the store."""
    from ebok.auth import users
    from ebok.storage import store
    from ebok.storage.tables import registrations

    registration_id, username = _pending_registration()
    assert not users.get(username).approved

    B.login(page, "admin", B.ADMIN_PASSWORD)
    B.nav_to(page, "Konta i rejestracje")
    # The bordered card holding this registration: the nearest ancestor with a "Zatwierdź" button.
    card = page.get_by_text(f"Nazwa użytkownika: {username}", exact=True).locator(
        "xpath=ancestor::div[.//button[normalize-space()='Zatwierdź']][1]"
    )
    card.get_by_role("button", name="Zatwierdź").click()
    B.settle(page)
    page.get_by_text(f"Zatwierdzono konto {username}").first.wait_for()
    page.screenshot(path=str(B.SCREENSHOTS / "admin-registration-approved.png"), full_page=True)

    with store.engine().connect() as con:
        row = (
            con.execute(sa.select(registrations).where(registrations.c.registration_id == registration_id))
            .mappings()
            .one()
        )
    assert row["status"] == "approved"
    assert row["decided_by"] == "admin"
    assert users.get(username).approved
