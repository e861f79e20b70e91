"""A test e-mail sent straight through the configured SMTP server, so the office sees errors at once."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from ebok import mail


def send_test(recipient: str, company: str, timeout: float = 10.0) -> str | None:
    """Send a short test message to RECIPIENT; return None on success, else the error in Polish."""
    from ebok import process  # the page's script slot is given back while the server answers

    with process.slot_released():
        return _send_test(recipient, company, timeout)


def _send_test(recipient: str, company: str, timeout: float) -> str | None:
    """send_test() itself: up to TIMEOUT seconds per step of the SMTP conversation."""
    if not recipient or "@" not in recipient or any(c in recipient for c in "\r\n"):
        return "Adres odbiorcy: nieprawidłowy adres e-mail."
    cfg = mail.smtp_settings()
    msg = EmailMessage()
    msg["From"] = formataddr((cfg.sender_name, cfg.sender))
    msg["To"] = recipient
    msg["Subject"] = "e-BOK: wiadomość testowa"
    msg["Message-ID"] = make_msgid(domain=cfg.sender.split("@")[-1] or None)
    msg.set_content(
        f"To jest wiadomość testowa z e-BOK ({company}).\n"
        "Jeśli ją widzisz, ustawienia poczty wychodzącej są poprawne.\n",
        charset="utf-8",
    )
    try:
        if cfg.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=timeout)
        try:
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if cfg.username:
                smtp.login(cfg.username, cfg.password or "")
            smtp.send_message(msg)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    except smtplib.SMTPAuthenticationError:
        return "Serwer poczty odrzucił logowanie: sprawdź smtp.username i hasło (smtp.password_env)."
    except (OSError, smtplib.SMTPException) as exc:
        return f"Nie udało się wysłać przez {cfg.host}:{cfg.port} ({type(exc).__name__}: {exc})."
    return None
