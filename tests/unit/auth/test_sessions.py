"""Server-side sessions when the store cannot be written: a signed-in user keeps reading."""

from __future__ import annotations

import pytest

from ebok.auth import service, sessions
from ebok.core import clock
from tests.helpers.auth import RESIDENT_PASSWORD, write_demo_auth
from tests.helpers.full_store import refusing


@pytest.mark.parametrize("refusal", ["disk_full", "read_only"])
def test_session_check_survives_a_store_that_refuses_writes(refusal):
    """The 'last seen' touch is skipped, not raised: the page still opens (the store still reads)."""
    write_demo_auth()
    sid = service.authenticate("anna.nowak", RESIDENT_PASSWORD, None).session_id
    later = clock.now() + sessions.TOUCH_EVERY * 2
    clock.set_clock(lambda: later)
    try:
        with refusing(refusal):
            session = sessions.validate(sid)
    finally:
        clock.set_clock(None)
    assert session is not None and session.session_id == sid
