"""Password hashing (bcrypt) and the portal's password rules."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import unicodedata
from functools import lru_cache

import bcrypt

from ebok.core import assets
from ebok.core.errors import Problem
from ebok.core.i18n import N_, _, ngettext

ASSETS = assets.ASSETS_DIR
MIN_LENGTH = 8
MAX_LENGTH = 128
FIELD = N_("Hasło")  # translated where shown (Problem translates its field)


def _rounds() -> int:
    """bcrypt cost: 12 in production; EBOK_BCRYPT_ROUNDS may lower it for tests (never below 4)."""
    return max(4, int(os.environ.get("EBOK_BCRYPT_ROUNDS") or 12))


def _secret(password: str) -> bytes:
    """bcrypt reads at most 72 bytes; longer passwords are pre-hashed so every character counts."""
    raw = password.encode("utf-8")
    if len(raw) <= 72:
        return raw  # plain bcrypt: the same hashes streamlit-authenticator's Hasher makes
    return base64.b64encode(hashlib.sha256(raw).digest())


def hash_password(password: str) -> str:
    """Return a bcrypt hash of PASSWORD."""
    return bcrypt.hashpw(_secret(password), bcrypt.gensalt(_rounds())).decode("ascii")


@lru_cache(maxsize=4)
def _dummy_hash(rounds: int) -> str:
    """A hash at the production cost, checked for unknown users so timing reveals nothing."""
    return bcrypt.hashpw(b"dummy-password-for-timing", bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, hashed: str | None) -> bool:
    """Return True when PASSWORD matches HASHED; a missing hash still costs a full bcrypt check."""
    try:
        return bcrypt.checkpw(_secret(password or ""), (hashed or _dummy_hash(_rounds())).encode("ascii"))
    except ValueError:
        return False


def _fold(text: str) -> str:
    """Lower-case and strip Polish diacritics, so 'Hasło' and 'haslo' compare equal."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the shipped common-password list (Django's 20k list + Polish additions), folded."""
    words: set[str] = set()
    with gzip.open(ASSETS / "common-passwords.txt.gz", "rt", encoding="utf-8") as fh:
        words.update(_fold(line.strip()) for line in fh if line.strip())
    for line in (ASSETS / "common-passwords-pl.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(_fold(line.strip()))
    return frozenset(words)


def problems(
    password: str,
    *,
    username: str = "",
    name: str = "",
    email: str = "",
    customer_id: str = "",
) -> list[Problem]:
    """Return every broken rule as a problem of the "Hasło" field (empty = the password is acceptable).

    The messages are in the language of this run.
    """
    out = [Problem(FIELD, message) for message in _shape_problems(password)]
    personal = [username, name, email, email.split("@")[0] if email else "", customer_id, *name.split()]
    if _is_personal(password, personal):
        out.append(
            Problem(
                FIELD,
                _("nie może zawierać nazwy użytkownika, imienia i nazwiska, e-maila ani symbolu klienta."),
            )
        )
    folded = _fold(password)
    if folded in common_passwords() or folded.rstrip("0123456789!.?") in common_passwords():
        out.append(Problem(FIELD, _("jest na liście popularnych haseł; wybierz inne.")))
    return out


def _shape_problems(password: str) -> list[str]:
    """Length, surrounding spaces and control characters."""
    out = []
    if len(password) < MIN_LENGTH:
        out.append(
            ngettext(
                "musi mieć co najmniej {n} znak.", "musi mieć co najmniej {n} znaki.", MIN_LENGTH
            ).format(n=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        out.append(
            ngettext("może mieć najwyżej {n} znak.", "może mieć najwyżej {n} znaki.", MAX_LENGTH).format(
                n=MAX_LENGTH
            )
        )
    if password != password.strip():
        out.append(_("nie może zaczynać się ani kończyć spacją."))
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        out.append(_("zawiera niedozwolone znaki sterujące."))
    return out


def _is_personal(password: str, personal: list[str]) -> bool:
    """True when the password contains one of the account's own words (3+ letters), folded."""
    folded = _fold(password)
    return any(len(word := _fold(item.strip())) >= 3 and word in folded for item in personal)
