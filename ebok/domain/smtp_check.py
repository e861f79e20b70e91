"""A test e-mail sent straight through the configured SMTP server, so the office sees errors at once."""

from __future__ import annotations

import smtplib
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from ebok.core import slots
from ebok.core.i18n import _
from ebok.storage import outbox


def send_test(recipient: str, company: str, timeout: float = 10.0) -> str | None:
    """Send a short test message to RECIPIENT; return None on success, else the error (run's language)."""
    if not recipient or "@" not in recipient or any(c in recipient for c in "\r\n"):
        return _("Adres odbiorcy: nieprawidłowy adres e-mail.")
    cfg = replace(outbox.smtp_settings(), timeout=timeout)
    msg = EmailMessage()
    msg["From"] = formataddr((cfg.sender_name, cfg.sender))
    msg["To"] = recipient
    msg["Subject"] = _("e-BOK: wiadomość testowa")
    msg["Message-ID"] = make_msgid(domain=cfg.sender.split("@")[-1] or None)
    msg.set_content(
        _(
            "To jest wiadomość testowa z e-BOK ({company}).\n"
            "Jeśli ją widzisz, ustawienia poczty wychodzącej są poprawne.\n"
        ).format(company=company),
        charset="utf-8",
    )
    try:
        # The page's script slot is given back while the SMTP server answers.
        with slots.slot_released():
            smtp = outbox._connect(cfg)
            try:
                smtp.send_message(msg)
            finally:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    pass
    except smtplib.SMTPAuthenticationError:
        return _("Serwer poczty odrzucił logowanie: sprawdź smtp.username i hasło (smtp.password_env).")
    except (OSError, smtplib.SMTPException) as exc:
        return _("Nie udało się wysłać przez {host}:{port} ({error}: {detail}).").format(
            host=cfg.host, port=cfg.port, error=type(exc).__name__, detail=exc
        )

    return None
