"""app.py's menu fits the customer: a page their premises lack is not registered, so its address fails."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ebok.core import clock, settings
from ebok.web import navigation
from tests.helpers import meters_demo as md
from tests.helpers.auth import login_as, write_demo_auth

APP = str(settings.ROOT / "app.py")


@pytest.fixture(autouse=True)
def _demo(data_dir):
    write_demo_auth()
    md.use(data_dir)
    navigation.customer_modules.clear()
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


def signed_in(username: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    login_as(at, username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_page_the_customer_lacks_cannot_be_opened_by_its_address():
    anna = signed_in("anna.nowak")  # a flat with meters and a garage: no waste point, no community
    for lacking in ("pages/odpady.py", "pages/uchwaly.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            anna.switch_page(lacking)
    jan = signed_in("jan.kowalski")  # a house with a waste point
    jan.switch_page("pages/odpady.py")
    jan.run()
    assert not jan.exception, jan.exception
    assert [t.value for t in jan.title] == ["Odpady i wywozy"]
