"""The payment notification receiver: a small ASGI service beside the Streamlit app (issue 15).

Streamlit cannot answer a gateway's POST, so nginx sends /platnosci/ here. The service only receives
and verifies notifications (ebok.domain.online_payments.handle_notification); `python -m ebok
receiver --port N` runs it with uvicorn (deploy/systemd/ebok-receiver.service).
"""

from __future__ import annotations

from ebok.receiver.app import create_app
from ebok.receiver.cli import register

__all__ = ["create_app", "register"]
