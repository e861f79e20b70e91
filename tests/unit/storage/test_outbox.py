"""Outbox e-mail: a real aiosmtpd server on loopback; a down server loses nothing; overlapping or
dying senders send each message once.

Every test runs on SQLite and (with EBOK_TEST_PG_URL) on PostgreSQL: the claim differs per store.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from ebok.core import clock, settings
from ebok.storage import outbox, store
from tests.helpers.stores import empty_store_url

T0 = datetime(2026, 11, 21, 9, 0)


@pytest.fixture(autouse=True, params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request, data_dir, monkeypatch):
    """Run the test on an empty store of each backend (EBOK_STORE_URL, so `python -m ebok` uses it too)."""
    with empty_store_url(request.param, data_dir, "outbox-test") as url:
        monkeypatch.setenv("EBOK_STORE_URL", url)
        store.dispose_all()
        yield request.param
        store.dispose_all()


class Collect:
    """aiosmtpd handler keeping every accepted message; STEP (when set) runs before it accepts one."""

    def __init__(self) -> None:
        self.messages: list = []
        self.step: Callable[[], Awaitable[None]] | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.step is not None:
            await self.step()
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield (
        handler,
        outbox.SmtpSettings(host="127.0.0.1", port=controller.port, sender="ebok@example.pl", timeout=5),
    )
    controller.stop()


def test_queue_then_flush_delivers_utf8(smtp):
    handler, cfg = smtp
    outbox.queue("anna@example.com", "e-BOK: żółta łódź", "Treść z ąćęłńóśźż\nlink", now=T0)
    assert outbox.flush(now=T0, settings=cfg) == {"sent": 1, "failed": 0}
    assert len(handler.messages) == 1
    env = handler.messages[0]
    assert env.rcpt_tos == ["anna@example.com"]
    msg = message_from_bytes(env.content)
    assert str(make_header(decode_header(msg["Subject"]))) == "e-BOK: żółta łódź"
    assert "ąćęłńóśźż" in msg.get_payload(decode=True).decode("utf-8")
    assert outbox.pending() == []
    assert outbox.flush(now=T0, settings=cfg) == {"sent": 0, "failed": 0}  # nothing sent twice


def test_down_server_loses_nothing_and_retries_later(smtp):
    handler, cfg = smtp
    down = outbox.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    for i in range(3):
        outbox.queue(f"r{i}@example.com", "Temat", "Treść", now=T0)
    assert outbox.flush(now=T0, settings=down) == {"sent": 0, "failed": 3}
    rows = outbox.pending()
    assert len(rows) == 3 and all(r["attempts"] == 1 and r["last_error"] for r in rows)
    # Backoff: not due again immediately …
    assert outbox.flush(now=T0 + timedelta(seconds=30), settings=cfg) == {"sent": 0, "failed": 0}
    # … but after the backoff, the server that is back up gets every message.
    assert outbox.flush(now=T0 + timedelta(minutes=2), settings=cfg) == {"sent": 3, "failed": 0}
    assert sorted(e.rcpt_tos[0] for e in handler.messages) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]


def test_backoff_grows_and_is_capped():
    assert outbox._backoff(1) == timedelta(minutes=1)
    assert outbox._backoff(3) == timedelta(minutes=4)
    assert outbox._backoff(30) == outbox.MAX_BACKOFF


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        outbox.queue("a@example.com\nBcc: x@evil.example", "s", "b")
    outbox.queue("a@example.com", "Temat\r\nBcc: x@evil.example", "b")
    assert "\n" not in outbox.pending()[0]["subject"]


def test_cli_mail_flush_sends_through_the_config(smtp, data_dir):
    handler, cfg = smtp
    from ebok.core import config

    config.save(config.replace_section(config.default(), "smtp", host="127.0.0.1", port=cfg.port))
    assert outbox.smtp_settings().port == cfg.port
    outbox.queue("jan@example.com", "Temat", "Treść")
    out = subprocess.run(
        [sys.executable, "-m", "ebok", "mail-flush"],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Wysłano: 1" in out.stdout
    assert [e.rcpt_tos for e in handler.messages] == [["jan@example.com"]]


def test_smtp_settings_read_the_typed_config(data_dir, monkeypatch):
    from ebok.core import config

    config.save(
        config.replace_section(
            config.default(),
            "smtp",
            host="smtp.example.pl",
            port=465,
            security="ssl",
            username="biuro",
            password="z-pliku",
            password_env="EBOK_TEST_SMTP_PASSWORD",
            sender="",
            sender_name="SM Lipowa",
        )
    )
    monkeypatch.setenv("EBOK_TEST_SMTP_PASSWORD", "ze-zmiennej")
    assert outbox.smtp_settings() == outbox.SmtpSettings(
        host="smtp.example.pl",
        port=465,
        username="biuro",
        password="ze-zmiennej",
        security="ssl",
        sender="ebok@localhost",  # no sender in the config: the outbox's own default
        sender_name="SM Lipowa",
    )
    monkeypatch.delenv("EBOK_TEST_SMTP_PASSWORD")
    config.save(config.replace_section(config.default(), "smtp", username="", password=""))
    settings_now = outbox.smtp_settings()
    assert (settings_now.username, settings_now.password) == (None, None)
    assert settings_now.sender == config.default().smtp.sender


# --- what the office sees: the real state of each message ----------------------------------------


def test_state_is_queued_until_the_server_accepts_then_sent_with_the_time(smtp):
    handler, cfg = smtp
    first = outbox.queue("anna@example.com", "e-BOK: potwierdź adres e-mail", "link", now=T0)
    mail = outbox.state_for("anna@example.com", now=T0)
    assert (mail.message_id, mail.state, mail.sent_at) == (first, outbox.QUEUED, None)
    # 09:00 UTC on 21 November is 10:00 in Warsaw (CET, UTC+1).
    assert mail.label == "w kolejce do wysłania (od 21.11.2026 10:00)"
    outbox.flush(now=T0 + timedelta(minutes=1), settings=cfg)
    mail = outbox.state_for("anna@example.com", now=T0 + timedelta(minutes=1))
    assert (mail.state, mail.sent_at, mail.attempts) == (outbox.SENT, T0 + timedelta(minutes=1), 1)
    assert mail.label == "wysłano 21.11.2026 10:01"


def test_a_refused_message_is_failing_with_the_reason_and_the_next_try():
    down = outbox.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    outbox.queue("jan@example.com", "Temat", "Treść", now=T0)
    outbox.flush(now=T0, settings=down)
    outbox.flush(now=T0 + timedelta(minutes=1), settings=down)
    mail = outbox.state_for("jan@example.com", now=T0 + timedelta(minutes=1))
    assert (mail.state, mail.attempts) == (outbox.FAILING, 2)
    assert mail.next_attempt_at == T0 + timedelta(minutes=3)  # backoff after the 2nd try: 2 minutes
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.label.startswith(
        "jeszcze nie wysłano, nieudane próby: 2; ostatni błąd: ConnectionRefusedError"
    )
    assert mail.label.endswith("; kolejna próba 21.11.2026 10:03")
    assert "wysłano 2" not in mail.label


def test_a_message_failing_for_two_days_is_given_up_and_can_be_queued_again(smtp):
    handler, cfg = smtp
    down = outbox.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    outbox.queue("ola@example.com", "Temat", "Treść", now=T0)
    outbox.flush(now=T0, settings=down)
    later = T0 + timedelta(days=2)
    mail = outbox.state_for("ola@example.com", now=later)
    assert mail.state == outbox.GIVEN_UP and mail.next_attempt_at is None
    assert mail.label.startswith("nie wysłano: zaniechano po 1 próbie; ostatni błąd: ConnectionRefusedError")
    assert outbox.flush(now=later, settings=cfg) == {"sent": 0, "failed": 0}  # no longer tried
    assert handler.messages == []
    assert outbox.retry_given_up(now=later) == 1
    assert outbox.state_for("ola@example.com", now=later).state == outbox.QUEUED
    assert outbox.flush(now=later, settings=cfg) == {"sent": 1, "failed": 0}


def test_a_message_never_tried_is_queued_however_old():
    """No flush ran for days (no cron yet): the message is still waiting, not given up."""
    outbox.queue("ewa@example.com", "Temat", "Treść", now=T0)
    assert outbox.state_for("ewa@example.com", now=T0 + timedelta(days=30)).state == outbox.QUEUED


def test_state_for_takes_the_newest_message_to_that_address_since_a_moment():
    outbox.queue("anna@example.com", "Pierwszy", "a", now=T0)
    outbox.queue("jan@example.com", "Inny adres", "b", now=T0 + timedelta(minutes=5))
    assert outbox.state_for("anna@example.com").subject == "Pierwszy"
    assert outbox.state_for("anna@example.com", since=T0 + timedelta(minutes=1)) is None
    outbox.queue("anna@example.com", "Drugi", "c", now=T0 + timedelta(minutes=10))
    assert outbox.state_for(" anna@example.com ").subject == "Drugi"
    assert outbox.state_for("nikt@example.com") is None
    assert [m.subject for m in outbox.recent()] == ["Drugi", "Inny adres", "Pierwszy"]


def _run(cfg: outbox.SmtpSettings, token: str, now: datetime) -> outbox._Run:
    return outbox._Run(token=token, cfg=cfg, now=now, started=clock.now())


def test_a_message_claimed_by_one_flush_is_not_sent_by_another(smtp):
    """The page's try_send_now and the cron (or the demo catcher) may flush at the same moment."""
    handler, cfg = smtp
    first = outbox.queue("anna@example.com", "Temat", "Treść", now=T0)
    claimed = outbox._claim(_run(cfg, "a" * 32, T0), limit=10)
    assert [(r["id"], r["claim_token"], r["next_attempt_at"]) for r in claimed] == [
        (first, "a" * 32, T0 + outbox.LEASE)
    ]
    assert outbox._claim(_run(cfg, "b" * 32, T0), limit=10) == []  # the second sender leaves it
    assert outbox.flush(now=T0 + timedelta(minutes=1), settings=cfg) == {"sent": 0, "failed": 0}
    # A sender that died mid-way: the lease runs out and the message goes after all, once.
    assert outbox.flush(now=T0 + outbox.LEASE, settings=cfg) == {"sent": 1, "failed": 0}
    assert len(handler.messages) == 1
    assert outbox.state_of(first).state == outbox.SENT


def test_a_cancelled_message_is_never_sent_even_by_the_flush_that_claimed_it(smtp):
    """A withdrawn consent cancels notifications still in the outbox (ebok.domain.notifications)."""
    handler, cfg = smtp
    earlier = outbox.queue("r0@example.com", "Temat", "Treść", now=T0)
    assert outbox.flush(now=T0, settings=cfg) == {"sent": 1, "failed": 0}
    kept, dropped, held = (outbox.queue(f"r{i}@example.com", "Temat", "Treść", now=T0) for i in range(3))
    run = _run(cfg, "a" * 32, T0)
    claimed = outbox._claim(run, limit=10)  # a flush has taken all three …
    with store.engine().begin() as con:
        assert outbox.cancel([dropped, held, 999], con) == [dropped, held]  # … when two are cancelled
        assert outbox.cancel([earlier], con) == []  # a message already sent stays on record
    counts = {"sent": 0, "failed": 0}
    outbox._send_rows(claimed, run, counts)
    assert counts == {"sent": 1, "failed": 0}
    assert [m.rcpt_tos for m in handler.messages[1:]] == [["r0@example.com"]]
    assert outbox.state_of(kept).state == outbox.SENT and outbox.state_of(held) is None
    assert outbox.flush(now=T0 + outbox.LEASE, settings=cfg) == {"sent": 0, "failed": 0}


def test_a_claim_takes_at_most_limit_messages_oldest_first(smtp):
    _handler, cfg = smtp
    ids = [outbox.queue(f"r{i}@example.com", "Temat", "Treść", now=T0) for i in range(5)]
    assert [r["id"] for r in outbox._claim(_run(cfg, "a" * 32, T0), limit=2)] == ids[:2]
    assert [r["id"] for r in outbox._claim(_run(cfg, "b" * 32, T0), limit=2)] == ids[2:4]
    assert [r["id"] for r in outbox._claim(_run(cfg, "c" * 32, T0), limit=2)] == ids[4:]


def test_concurrent_flushes_deliver_every_mail_exactly_once(smtp):
    """Three senders drain 12 queued mails at once through a slow server: 12 arrive, none twice."""
    handler, cfg = smtp
    recipients = [f"r{i:02}@example.com" for i in range(12)]
    for address in recipients:
        outbox.queue(address, "Temat", "Treść", now=T0)
    in_data, most_in_data = 0, 0

    async def slow() -> None:
        nonlocal in_data, most_in_data
        in_data += 1
        most_in_data = max(most_in_data, in_data)
        await asyncio.sleep(0.1)  # the server takes its time, so the flushes really overlap
        in_data -= 1

    handler.step = slow
    start = threading.Barrier(3)
    sent: list[int] = []

    def sender() -> None:
        start.wait()
        mine = 0
        while (counts := outbox.flush(now=T0, limit=3, settings=cfg)) != {"sent": 0, "failed": 0}:
            mine += counts["sent"]
        sent.append(mine)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(e.rcpt_tos[0] for e in handler.messages) == recipients
    assert sum(sent) == 12 and len(sent) == 3
    assert most_in_data >= 2, "the flushes never talked to the server at the same time"
    assert sum(1 for n in sent if n > 0) >= 2
    assert outbox.pending() == []


def test_a_slow_run_does_not_send_what_another_flush_took_when_its_lease_ran_out(smtp):
    """Each message takes the server a minute: the cron's flush after 6 minutes takes the rest, once.

    The slow run claimed all 12 at 09:00 (lease until 09:05). While it sends the 6th, at 09:06,
    another flush claims the 6 it has not reached; the slow run then finds them taken and skips them.
    """
    handler, cfg = smtp
    recipients = [f"r{i:02}@example.com" for i in range(12)]
    for address in recipients:
        outbox.queue(address, "Temat", "Treść", now=T0)
    moment = [T0]
    sixth_in_data, taken_over = threading.Event(), threading.Event()

    async def a_minute_each() -> None:
        if sixth_in_data.is_set():
            return  # the second flush's messages go straight through
        moment[0] += timedelta(minutes=1)
        if moment[0] == T0 + timedelta(minutes=6):
            sixth_in_data.set()
            while not taken_over.is_set():
                await asyncio.sleep(0.01)

    handler.step = a_minute_each
    clock.set_clock(lambda: moment[0])
    try:
        slow_run: list[dict[str, int]] = []
        thread = threading.Thread(target=lambda: slow_run.append(outbox.flush(settings=cfg)))
        thread.start()
        assert sixth_in_data.wait(timeout=60)
        cron = outbox.flush(settings=cfg)
        taken_over.set()
        thread.join(timeout=60)
    finally:
        clock.set_clock(None)
    assert sorted(e.rcpt_tos[0] for e in handler.messages) == recipients
    assert slow_run == [{"sent": 6, "failed": 0}] and cron == {"sent": 6, "failed": 0}
    assert outbox.pending() == []


def test_a_sender_killed_before_the_server_accepted_leaves_the_mail_to_be_retried_once(smtp, data_dir):
    """`mail-flush` is killed while the server keeps it waiting; the mail goes once the lease runs out."""
    handler, cfg = smtp
    from ebok.core import config

    config.save(config.replace_section(config.default(), "smtp", host="127.0.0.1", port=cfg.port))
    stalled = threading.Event()

    async def stall_the_first() -> None:
        if not stalled.is_set():
            stalled.set()
            await asyncio.sleep(120)  # until the sender is dead (the controller cancels it at the end)

    handler.step = stall_the_first
    mail = outbox.queue("jan@example.com", "Aktywacja konta", "link")
    sender = subprocess.Popen(
        [sys.executable, "-m", "ebok", "mail-flush"],
        cwd=settings.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert stalled.wait(timeout=90), "the sender never reached the server"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=30)
    assert sender.returncode == -signal.SIGKILL
    assert handler.messages == []
    state = outbox.state_of(mail)
    assert (state.state, state.attempts) == (outbox.QUEUED, 0)  # not lost, not given up
    # The dead sender's lease still holds: a flush right now leaves the message alone …
    assert outbox.flush(settings=cfg) == {"sent": 0, "failed": 0}
    # … and once it has run out, the next flush sends it, and only once.
    later = clock.now() + outbox.LEASE
    assert outbox.flush(now=later, settings=cfg) == {"sent": 1, "failed": 0}
    assert outbox.flush(now=later + outbox.LEASE, settings=cfg) == {"sent": 0, "failed": 0}
    assert [e.rcpt_tos for e in handler.messages] == [["jan@example.com"]]
    assert outbox.state_of(mail).state == outbox.SENT


def test_a_sender_dying_after_the_server_accepted_sends_a_second_copy(smtp, monkeypatch):
    """The documented at-least-once window: accepted but not yet marked sent, the mail goes again."""
    handler, cfg = smtp
    outbox.queue("ewa@example.com", "Temat", "Treść", now=T0)

    def die(row, run):  # the process dies between the server's 250 and the store's write
        raise KeyboardInterrupt

    record_sent = outbox._sent
    monkeypatch.setattr(outbox, "_sent", die)
    with pytest.raises(KeyboardInterrupt):
        outbox.flush(now=T0, settings=cfg)
    monkeypatch.setattr(outbox, "_sent", record_sent)  # the next process is healthy
    assert len(handler.messages) == 1
    assert outbox.flush(now=T0 + timedelta(minutes=1), settings=cfg) == {"sent": 0, "failed": 0}
    # The lease was renewed just before sending (at 09:00 and the milliseconds the run took).
    later = T0 + outbox.LEASE + timedelta(minutes=1)
    assert outbox.flush(now=later, settings=cfg) == {"sent": 1, "failed": 0}
    assert len(handler.messages) == 2


def test_demo_mode_sends_to_the_mail_catcher_whatever_the_config_says(data_dir, monkeypatch):
    from ebok.core import config

    config.save(config.replace_section(config.default(), "smtp", host="smtp.example.pl", port=587))
    assert outbox.smtp_settings().host == "smtp.example.pl"
    settings.demo_marker().write_text("demo\n", encoding="utf-8")
    assert (outbox.smtp_settings().host, outbox.smtp_settings().port) == (
        "127.0.0.1",
        settings.MAIL_CATCHER_PORT,
    )
    (settings.mailbox_dir() / "ADDRESS").write_text("127.0.0.1:40125\n", encoding="utf-8")
    demo = outbox.smtp_settings()
    assert (demo.host, demo.port, demo.username, demo.security) == ("127.0.0.1", 40125, None, "none")
    monkeypatch.setenv("EBOK_DEMO", "0")  # the environment overrides the marker
    assert outbox.smtp_settings().host == "smtp.example.pl"


def test_cli_mail_flush_lists_what_failed_and_retries_given_up(data_dir):
    from ebok.core import config

    config.save(config.replace_section(config.default(), "smtp", host="127.0.0.1", port=free_port()))
    outbox.queue("jan@example.com", "Aktywacja", "Treść")
    out = subprocess.run(
        [sys.executable, "-m", "ebok", "mail-flush", "--retry"],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert "Ponownie w kolejce (wcześniej zaniechane): 0" in out.stdout
    assert "jan@example.com „Aktywacja”: jeszcze nie wysłano, nieudane próby: 1" in out.stdout


def test_state_of_a_message_by_its_id():
    first = outbox.queue("anna@example.com", "Temat", "a", now=T0)
    assert outbox.state_of(first, now=T0).recipient == "anna@example.com"
    assert outbox.state_of(first + 100) is None
