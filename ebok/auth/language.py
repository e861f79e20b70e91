"""The language each account chose: kept in the store, read for its pages and for mails to it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ebok.core import clock, i18n
from ebok.storage import store
from ebok.storage.tables import account_languages


def saved(username: str) -> str | None:
    """Return the language USERNAME chose, or None when they never chose one."""
    with store.engine().connect() as con:
        found = con.execute(
            select(account_languages.c.language).where(account_languages.c.username == username)
        ).scalar()
    return i18n.normalize(found) if found else None


def save(username: str, customer_id: str | None, lang: str, now: dt.datetime | None = None) -> str:
    """Remember LANG for USERNAME (and their customer's mails); return the language stored."""
    code = i18n.normalize(lang)
    values = {"customer_id": customer_id, "language": code, "updated_at": now or clock.now()}
    with store.engine().begin() as con:
        where = account_languages.c.username == username
        if con.execute(update(account_languages).where(where).values(**values)).rowcount == 0:
            try:
                with con.begin_nested():
                    con.execute(insert(account_languages).values(username=username, **values))
            except IntegrityError:  # two saves at once: the last one wins
                con.execute(update(account_languages).where(where).values(**values))
    return code


def for_user(username: str | None) -> str:
    """Return the language of mails to USERNAME: their choice, else Polish."""
    return (saved(username) if username else None) or i18n.DEFAULT


def for_customer(customer_id: str | None) -> str:
    """Return the language of mails to a customer: the latest choice of their accounts, else Polish."""
    if not customer_id:
        return i18n.DEFAULT
    with store.engine().connect() as con:
        found = con.execute(
            select(account_languages.c.language)
            .where(account_languages.c.customer_id == customer_id)
            .order_by(account_languages.c.updated_at.desc())
            .limit(1)
        ).scalar()
    return i18n.normalize(found) if found else i18n.DEFAULT


def by_customer() -> dict[str, str]:
    """Return {customer_id: language} for every customer whose accounts chose one (the latest wins)."""
    query = (
        select(account_languages.c.customer_id, account_languages.c.language)
        .where(account_languages.c.customer_id.is_not(None))
        .order_by(account_languages.c.updated_at)
    )
    with store.engine().connect() as con:
        return {customer: i18n.normalize(lang) for customer, lang in con.execute(query)}
