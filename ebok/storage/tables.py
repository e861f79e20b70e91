"""Operational store tables (SQLAlchemy Core). Each section belongs to one module.

Decimal columns are exact_decimal (ebok.storage.decimals), never a bare Numeric: SQLite would keep a double.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ebok.storage.decimals import exact_decimal

metadata = MetaData()

# --- loader: every load attempt, also the rejected ones (ebok.loader) ---
load_runs = Table(
    "load_runs",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("source", Text, nullable=False),
    # running, pending (built, awaiting publish or discard), ok, rejected, failed, discarded
    Column("status", String(16), nullable=False),
    Column("warehouse_file", String(80)),
    Column("exported_at", DateTime),
    Column("row_counts", Text),  # JSON {table: rows}
    Column("errors", Text),  # JSON list of {file, line, column, message_pl, message_en}
    Column("diff", Text),  # JSON: the comparison with the warehouse served (ebok.loader.compare)
)

# --- meter reading submissions (ebok.domain.meters) ---
reading_submissions = Table(
    "reading_submissions",
    metadata,
    Column("submission_id", String(40), primary_key=True),
    Column("premises_id", String(20), nullable=False, index=True),
    Column("meter_id", String(40), nullable=False),
    Column("reading_date", DateTime, nullable=False),
    Column("value", exact_decimal(18, 4), nullable=False),
    Column("username", String(120), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("implausible", Integer, nullable=False, default=0),
    Column("photo", Text),  # file name under data/uploads, optional
    Column("exported_at", DateTime),  # set when the office exported it to accounting
    Column("export_batch", String(40), index=True),
    # One key per form instance: a double click inserts once (unique), the second gets the first row.
    Column("idempotency_key", String(64), unique=True),
    Column("unit", String(8)),
    Column("previous_value", exact_decimal(18, 4)),  # last booked value (or initial value) at submission
)

# --- voting on community resolutions (ebok.domain.voting) ---
office_resolutions = Table(
    "office_resolutions",
    metadata,
    Column("resolution_id", String(40), primary_key=True),
    Column("community_id", String(40), nullable=False, index=True),
    Column("number", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text),
    Column("file", Text),  # PDF file name under data/uploads/resolutions, optional
    Column("vote_from", DateTime, nullable=False),
    Column("vote_to", DateTime, nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

votes = Table(
    "votes",
    metadata,
    Column("vote_id", String(40), primary_key=True),
    Column("resolution_id", String(40), nullable=False),
    Column("premises_id", String(20), nullable=False),
    Column("choice", String(10), nullable=False),  # for, against, abstain
    Column("share", exact_decimal(18, 4), nullable=False),  # premises.share when the vote was cast
    Column("username", String(120), nullable=False),
    Column("voted_at", DateTime, nullable=False),
    Column("receipt_code", String(40), nullable=False, unique=True),
    UniqueConstraint("resolution_id", "premises_id", name="uq_votes_resolution_premises"),
)

# --- audit log, append-only (ebok.storage.audit) ---
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(120)),
    Column("action", String(60), nullable=False),
    Column("premises_id", String(20)),
    Column("client_address", String(64)),
    Column("details", Text),  # JSON; never passwords, tokens or message bodies
)

# Tables the loader copies into each new warehouse (schema ops), for analysts.
COPIED_TO_WAREHOUSE = ("reading_submissions", "office_resolutions", "votes")

# --- contact messages and fault reports with their history (ebok.domain.inbox) ---
inbox_items = Table(
    "inbox_items",
    metadata,
    Column("item_id", String(40), primary_key=True),
    Column("kind", String(10), nullable=False),  # contact, fault
    Column("username", String(120), nullable=False),
    Column("customer_id", String(20)),
    Column("premises_id", String(20), nullable=False),
    Column("topic", String(40), nullable=False),  # contact topic or fault category code
    Column("place", String(40)),  # faults: lokal or a common area code
    Column("place_detail", String(200)),  # faults: e.g. "klatka B, 3. piętro"
    Column("body", Text, nullable=False),
    Column("contact_email", String(254)),  # the account's address when it was sent
    Column("attachment_file", String(80)),  # random name under data/uploads/inbox, never the user's
    Column("attachment_name", String(160)),  # the user's file name, display only
    Column("attachment_type", String(40)),  # MIME type detected from the magic bytes
    Column("attachment_size", Integer),
    Column("status", String(16), nullable=False),  # nowe, w_toku, zakonczone
    Column("assigned_to", String(120)),
    Column("created_at", DateTime, nullable=False),  # UTC
    Column("updated_at", DateTime, nullable=False),  # UTC
    Column("idempotency_key", String(64), nullable=False),
    UniqueConstraint("username", "idempotency_key", name="uq_inbox_items_idempotency"),
    Index("ix_inbox_items_owner", "username", "premises_id"),
    Index("ix_inbox_items_status", "status"),
)

inbox_events = Table(
    "inbox_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(40), ForeignKey("inbox_items.item_id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),  # UTC
    Column("username", String(120), nullable=False),  # who: the resident or an office user
    Column("kind", String(12), nullable=False),  # created, status, assign, reply
    Column("status", String(16)),  # status after this event
    Column("assigned_to", String(120)),
    Column("text", Text),  # status comment or the office's reply
    Column("visible", Integer, nullable=False, default=1),  # shown in the resident's history
)


# --- auth: server-side sessions, login throttle, single-use tokens, registrations (ebok.auth) ---
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),  # random, never shown to the browser
    Column("username", String(120), nullable=False, index=True),
    Column("cookie_ref", String(64), index=True),  # sha256 of the login cookie's username + exp_date
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoke_reason", String(40)),
    Column("client_address", String(64)),
    # sha256 of the one-time ticket the page redeems at /_ebok/session for the HttpOnly login cookie
    Column("cookie_ticket", String(64), index=True),
    Column("cookie_ticket_at", DateTime),
)

auth_attempts = Table(
    "auth_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # login, register, reset
    Column("username", String(120), index=True),
    Column("client_address", String(64), index=True),
    Column("success", Integer, nullable=False, default=0),
)

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the token; the token is never stored
    Column("purpose", String(20), nullable=False),  # reset, activate
    Column("username", String(120), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
)

registrations = Table(
    "registrations",
    metadata,
    Column("registration_id", String(40), primary_key=True),
    Column("username", String(120), nullable=False, index=True),
    Column("customer_id", String(20), nullable=False),
    Column("email", String(254), nullable=False),
    Column("name", String(200), nullable=False),
    Column("proof_document", String(80), nullable=False),
    Column("proof_matches", Integer, nullable=False),
    Column("proof_amount", exact_decimal(14, 2)),  # gross zł the resident gave, shown to the office
    Column("proof_kind", String(20)),  # amount, code; document for registrations before 0003
    Column("regulations_version", String(20), nullable=False),
    Column("regulations_accepted_at", DateTime, nullable=False),
    Column(
        "status", String(20), nullable=False
    ),  # pending, manual (proof failed: office checks), approved, rejected
    Column("email_verified_at", DateTime),
    Column("client_address", String(64)),
    Column("created_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("decided_by", String(120)),
    Column("decision_note", Text),
)

# One row per registration code spent: the primary key lets a code register only once, even when
# two forms race. The digest is the warehouse's customers.registration_code, never the code.
registration_codes_used = Table(
    "registration_codes_used",
    metadata,
    Column("code_digest", String(64), primary_key=True),
    Column("customer_id", String(20), nullable=False),
    Column("registration_id", String(40), nullable=False),
    Column("used_at", DateTime, nullable=False),
)

# --- outgoing e-mail, retried until the SMTP server takes it (ebok.storage.outbox) ---
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False, index=True),
    Column("last_error", Text),
    Column("sent_at", DateTime, index=True),
    # The flush holding the message until next_attempt_at (its lease); only that flush may send it.
    Column("claim_token", String(32)),
    Column("html", Text),  # the HTML alternative of body (notifications), NULL = plain text only
    Column("headers", Text),  # JSON {name: value} of extra headers (List-Unsubscribe), NULL = none
)

# --- office messages to residents, read state, e-mail notifications (ebok.domain.messages, ebok.domain.notify) ---
office_messages = Table(
    "office_messages",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("audience", String(12), nullable=False),  # all, building, community, customer
    Column("target", String(40)),  # building_id, community_id or customer_id; NULL for all
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_file", String(80)),  # random name under data/uploads/messages
    Column("attachment_name", String(160)),  # the office's file name, display only
    Column("attachment_type", String(40)),  # MIME type detected from the magic bytes
    Column("attachment_size", Integer),
    Column("author", String(120), nullable=False),
    Column("published_at", DateTime, nullable=False, index=True),  # UTC
    Column("valid_until", DateTime),  # last day shown (midnight), NULL = no end
    Column("withdrawn_at", DateTime),  # UTC; hidden from residents once set
    Column("withdrawn_by", String(120)),
)

message_reads = Table(
    "message_reads",
    metadata,
    Column("username", String(120), primary_key=True),
    Column("message_key", String(120), primary_key=True),  # "office:<message_id>" or "export:<message_id>"
    Column("read_at", DateTime, nullable=False),  # UTC
)

notifications_sent = Table(
    "notifications_sent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), nullable=False),
    Column("item_key", String(120), nullable=False),  # invoice:<document_no> or document:<document_id>
    Column("premises_id", String(20)),
    Column("recipient", String(254)),  # NULL when recorded as a baseline, without an e-mail
    Column("sent_at", DateTime, nullable=False),  # UTC, when queued in the outbox
    Column("outbox_id", Integer),
    # item_key is "<event>:<occurrence>": the unique key per person, event and occurrence (issue 16).
    Column("event", String(32), index=True),  # NULL for rows written before 0009 (invoice/document)
    Column("status", String(12)),  # queued, digest (waits for the weekly digest), baseline
    Column("line", Text),  # the occurrence in one Polish line, for the weekly digest
    UniqueConstraint("customer_id", "item_key", name="uq_notifications_sent_item"),
)

# --- what each resident chose (ebok.domain.notifications) ---
notification_prefs = Table(
    "notification_prefs",
    metadata,
    Column("customer_id", String(20), primary_key=True),
    Column("email", String(254)),  # NULL = the address from the export, else the account's
    Column("events", Text),  # JSON {event: true/false}: only what differs from the office's defaults
    Column("due_days_before", Integer),  # NULL = the office's default
    Column("digest", Integer),  # NULL = the office's default; 1 = weekly digest
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(120), nullable=False),
)

# Consent to electronic correspondence, append-only: the newest row per customer is in force.
mail_consents = Table(
    "mail_consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), nullable=False, index=True),
    Column("given", Integer, nullable=False),  # 1 given, 0 withdrawn
    Column("text_version", String(40), nullable=False),
    Column("text", Text, nullable=False),  # the wording shown at that moment
    Column("method", String(20), nullable=False),  # portal, office, unsubscribe
    Column("username", String(120), nullable=False),  # who clicked or who recorded it in the office
    Column("email", String(254)),
    Column("client_address", String(64)),
    Column("at", DateTime, nullable=False),  # UTC
)

# One row per unsubscribe link sent; the link carries only the random id and its signature.
unsubscribe_links = Table(
    "unsubscribe_links",
    metadata,
    Column("link_id", String(32), primary_key=True),
    Column("customer_id", String(20), nullable=False),
    Column("event", String(32), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("used_at", DateTime),
)

COPIED_TO_WAREHOUSE = COPIED_TO_WAREHOUSE + ("office_messages", "message_reads")

# --- online payments through a gateway (Przelewy24, PayU) and every notification received (ebok.domain.online_payments) ---
online_payments = Table(
    "online_payments",
    metadata,
    # Our id (letters and digits): the gateway's sessionId / extOrderId and the transfer title.
    Column("payment_id", String(32), primary_key=True),
    Column("premises_id", String(20), nullable=False, index=True),
    Column("username", String(120), nullable=False),
    Column("gateway", String(20), nullable=False),  # przelewy24, payu
    Column("amount_grosze", BigInteger, nullable=False),  # integer grosze, never a float
    Column("currency", String(3), nullable=False),  # PLN
    Column("invoices", Text, nullable=False),  # JSON list of the invoice numbers paid, '[]' for an amount
    Column("status", String(16), nullable=False),  # new, pending, confirmed, failed, cancelled, expired
    Column("gateway_ref", String(64)),  # Przelewy24 orderId / PayU orderId
    Column("redirect_url", Text),
    Column("created_at", DateTime, nullable=False),  # UTC
    Column("updated_at", DateTime, nullable=False),  # UTC
    Column("confirmed_at", DateTime),
    Column("last_checked_at", DateTime),  # the gateway's status API last asked
    Column("problem", Text),  # why it failed or a notification was refused (amount mismatch, …)
    Column("exported_batch", String(40), index=True),  # the hand-off to accounting
    Column("exported_at", DateTime),
    Column("booked_load", String(40)),  # the load whose export booked it: no longer shown as pending
    Column("booked_at", DateTime),
    Index("ix_online_payments_status", "status"),
)

online_payment_events = Table(
    "online_payment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("payment_id", String(32), index=True),  # NULL when the notification named no known payment
    Column("at", DateTime, nullable=False),  # UTC
    # accepted, replayed, refused, registered, register_failed, status_checked, expired, …
    Column("kind", String(24), nullable=False),
    Column("detail", Text),  # JSON: gateway, reason, amounts; never keys or signatures
    Column("remote_addr", String(64)),
)

# --- the language each account chose (ebok.auth.language, issue 17) ---
account_languages = Table(
    "account_languages",
    metadata,
    Column("username", String(120), primary_key=True),
    # The account's customer: mails go to a customer, and take the language of their account.
    Column("customer_id", String(20), index=True),
    Column("language", String(8), nullable=False),  # pl, en or uk
    Column("updated_at", DateTime, nullable=False),  # UTC
)
