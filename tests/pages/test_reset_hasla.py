"""AppTest: forgotten password — request a link, set a new password from it once."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ebok.auth import passwords, service, users
from ebok.core import settings
from ebok.storage import outbox
from tests.helpers.auth import write_demo_auth

PAGE = str(settings.ROOT / "pages" / "reset_hasla.py")


def test_request_and_use_a_reset_link():
    write_demo_auth()
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.text_input[0].input("anna.nowak@example.com")
    at.button[0].click().run()
    assert at.info[0].value == service.RESET_SENT
    token = outbox.pending()[-1]["body"].split("token=")[1].split()[0]

    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["token"] = token
    at.run()
    fields = {t.label: t for t in at.text_input}
    fields["Nowe hasło"].input("Wiosenny-Deszcz-31")
    fields["Powtórz nowe hasło"].input("Wiosenny-Deszcz-31")
    at.button[0].click().run()
    assert "Hasło zostało zmienione" in at.success[0].value
    assert passwords.verify_password("Wiosenny-Deszcz-31", users.get("anna.nowak").password)

    reuse = AppTest.from_file(PAGE, default_timeout=30)
    reuse.query_params["token"] = token
    reuse.run()
    assert "nieprawidłowy" in reuse.error[0].value


def test_unknown_address_gets_the_same_answer():
    write_demo_auth()
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.text_input[0].input("nikt@example.com")
    at.button[0].click().run()
    assert at.info[0].value == service.RESET_SENT
    assert outbox.pending() == []
