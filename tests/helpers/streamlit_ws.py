"""Streamlit's WebSocket protocol without a browser, and the login cookie the guard accepts.

Shared by bench/load_bench.py and tests/browser/test_replicas.py.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RERUN_TIMEOUT = 60.0
LOGIN_LABEL = "Nazwa użytkownika"


def login_cookie(username: str, client_address: str = "127.0.0.1") -> str:
    """Start a real server-side session for USERNAME and return the `Cookie` value a browser would send.

    Mirrors ebok.web.cookie.make_cookie_token() (what /_ebok/session sets): JWT HS256 {username, exp_date} with the installation key
    (ebok.web.cookie.cookie_key(), data/secrets.yaml), bound to the session row by sessions.bind_cookie().
    The guard restores the session from it (ebok.web.cookie.session_from_browser) as after a page reload.
    Uses the environment's EBOK_DATA_DIR / EBOK_AUTH_FILE / EBOK_STORE_URL, i.e. the server's.
    """
    import jwt

    from ebok.auth import sessions
    from ebok.core import config
    from ebok.web import cookie

    session_id = sessions.create(username, client_address)
    expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(
        hours=config.load().security.absolute_timeout_hours
    )
    exp_date = expires.replace(tzinfo=UTC).timestamp()
    sessions.bind_cookie(session_id, username, exp_date)
    token = jwt.encode({"username": username, "exp_date": exp_date}, cookie.cookie_key(), algorithm="HS256")
    return f"{cookie.COOKIE_NAME}={token}"


class Tab:
    """One browser tab's WebSocket session."""

    def __init__(self, ws) -> None:  # type: ignore[no-untyped-def]
        self.ws = ws
        self.elements: list = []  # (type, proto) of the last run
        self.blocks: list = []  # Block protos (containers, tabs) of the last run
        self.page_hashes: dict[str, str] = {}  # URL path -> page script hash, from the navigation

    def texts(self) -> list[str]:
        """Return headings, markdown and text bodies and widget labels of the last run."""
        out = []
        for _etype, proto in self.elements:
            for attr in ("body", "label"):
                value = getattr(proto, attr, None)
                if isinstance(value, str) and value:
                    out.append(value)
        return out

    def signed_in(self) -> bool:
        """Return True when the last run did not show the login form."""
        return not any(t == "text_input" and p.label == LOGIN_LABEL for t, p in self.elements)

    async def run(self, page: str = "", query: str = "", widget_states=None) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
        """Ask for one script run and wait for it to finish; return (ok, problem).

        Like a browser: a page the navigation already listed is asked for by its script hash (a
        click in the menu), any other by its URL path (a typed address or a bookmark).
        """
        msg = BackMsg()
        msg.rerun_script.query_string = query
        known = self.page_hashes.get(page)
        msg.rerun_script.page_name = "" if known else page
        msg.rerun_script.page_script_hash = known or ""
        if widget_states is not None:
            msg.rerun_script.widget_states.CopyFrom(widget_states)
        await self.ws.send(msg.SerializeToString())
        self.elements = []
        self.blocks = []
        problem = ""
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), RERUN_TIMEOUT))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                etype = element.WhichOneof("type")
                proto = getattr(element, etype) if etype else None
                self.elements.append((etype, proto))
                if etype == "exception" and not problem:
                    problem = f"exception: {proto.type}: {proto.message[:100]}"
                if etype == "text_input" and proto.label == LOGIN_LABEL and not problem:
                    problem = "login form shown (not signed in)"
            elif kind == "navigation":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block":
                self.blocks.append(fwd.delta.add_block)
            elif kind == "script_finished":
                status = fwd.script_finished
                # FINISHED_EARLY_FOR_RERUN (st.rerun in the page): the next run follows by itself.
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.elements = []
                    self.blocks = []
                    continue
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR and not problem:
                    problem = "compile error"
                return (not problem), problem

    def login_states(self, username: str, password: str):  # type: ignore[no-untyped-def]
        """Return WidgetStates that type USERNAME and PASSWORD into the login form and submit it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        inputs = {p.label: p for t, p in self.elements if t == "text_input"}
        submit = next(p for t, p in self.elements if t == "button" and p.is_form_submitter)
        states = WidgetStates()
        for label, value in ((LOGIN_LABEL, username), ("Hasło", password)):
            state = states.widgets.add()
            state.id = inputs[label].id
            state.string_value = value
        trigger = states.widgets.add()
        trigger.id = submit.id
        trigger.trigger_value = True
        return states

    def tab_states(self, label: str):  # type: ignore[no-untyped-def]
        """Return WidgetStates opening the tab LABEL of the last run's lazy tabs (a click), or None."""
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        for block in self.blocks:
            if block.WhichOneof("type") == "tab_container" and block.id:
                states = WidgetStates()
                state = states.widgets.add()
                state.id = block.id
                state.string_value = label
                return states
        return None

    def reading_form(self, keep=None):  # type: ignore[no-untyped-def]
        """Return WidgetStates submitting the first form with number or text inputs, or None.

        Number inputs get their value plus a little; text inputs (the reading as typed, e.g.
        "1234567,891") a large reading with a decimal comma, so it is never below the last booked
        state; checkboxes (the "unusual reading" confirmation) are ticked.
        """
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        fields = [p for t, p in self.elements if t in ("number_input", "text_input") and p.form_id]
        if not fields:
            return None
        form_id = fields[0].form_id
        numbers = [p for t, p in self.elements if t == "number_input" and p.form_id == form_id]
        submit = next(
            (p for t, p in self.elements if t == "button" and p.is_form_submitter and p.form_id == form_id),
            None,
        )
        if submit is None:
            return None
        states = WidgetStates()
        if keep is not None:  # widget states the browser still holds (e.g. the open tab)
            states.widgets.extend(keep.widgets)
        for proto in numbers:
            if proto.form_id != form_id:
                continue
            state = states.widgets.add()
            state.id = proto.id
            base = proto.value if proto.HasField("value") else (proto.default[0] if proto.default else 0.0)
            if proto.data_type == proto.INT:
                state.int_value = int(base) + random.randint(1, 5)
            else:
                state.double_value = round(float(base) + random.uniform(0.5, 5.0), 3)
        for etype, proto in self.elements:
            if getattr(proto, "form_id", None) != form_id:
                continue
            if etype == "text_input":
                state = states.widgets.add()
                state.id = proto.id
                state.string_value = f"{random.randint(10**6, 10**7)},{random.randint(0, 999):03d}"
            elif etype == "checkbox":
                state = states.widgets.add()
                state.id = proto.id
                state.bool_value = True
        trigger = states.widgets.add()
        trigger.id = submit.id
        trigger.trigger_value = True
        return states
