"""Voting on community resolutions: one share-weighted vote per premises inside the voting window.

Resolutions come from the accounting export (warehouse `resolutions`) and from the office
(store `office_resolutions`). Votes go to the store table `votes` with a unique constraint on
(resolution_id, premises_id). All moments are local (Europe/Warsaw) naive datetimes, like the
export's vote_from/vote_to; every function takes `now` so tests control the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ebok.core import assets, fmt, uploads
from ebok.core.clock import local_now  # noqa: F401 - voting.local_now for the pages
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _, ngettext
from ebok.storage import audit, store, warehouse
from ebok.storage.tables import office_resolutions, votes

CHOICES = {"for": N_("za"), "against": N_("przeciw"), "abstain": N_("wstrzymuję się")}
STATE_NAMES = {
    "planned": N_("głosowanie jeszcze nie rozpoczęte"),
    "open": N_("głosowanie trwa"),
    "closed": N_("głosowanie zakończone"),
}
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I lookalikes


class AlreadyVoted(FormError):
    """The premises has already voted on the resolution (with another choice); carries the first receipt."""

    def __init__(self, receipt: Receipt):
        super().__init__(
            Problem(_("Głos"), _("z tego lokalu oddano już głos w tej uchwale; głosu nie można zmienić."))
        )
        self.receipt = receipt


class ResultsNotAvailable(FormError):
    """Residents see results only after the voting window closes."""


# --- resolutions ---


@dataclass(frozen=True)
class Resolution:
    """A resolution put to the vote."""

    resolution_id: str
    community_id: str
    number: str
    title: str
    body: str | None
    file: str | None
    vote_from: dt.datetime
    vote_to: dt.datetime
    source: str = "warehouse"  # or "office"

    def state(self, now: dt.datetime) -> str:
        """Return 'planned', 'open' or 'closed' at NOW (the window is [vote_from, vote_to))."""
        if now < self.vote_from:
            return "planned"
        return "open" if now < self.vote_to else "closed"

    def state_name(self, now: dt.datetime) -> str:
        """Return the state in the run's language."""
        return _(STATE_NAMES[self.state(now)])

    def label(self) -> str:
        """Return 'Uchwała nr 3/2026: Tytuł' in the run's language."""
        return _("Uchwała nr {number}: {title}").format(number=self.number, title=self.title)


def _office_resolutions(community_id: str | None = None) -> list[Resolution]:
    """Return the office-created resolutions (optionally of one community)."""
    query = select(office_resolutions).order_by(office_resolutions.c.vote_from.desc())
    if community_id is not None:
        query = query.where(office_resolutions.c.community_id == community_id)
    with store.engine().connect() as con:
        rows = con.execute(query).all()
    keys = Resolution.__dataclass_fields__.keys()
    return [Resolution(**{k: v for k, v in r._mapping.items() if k in keys}, source="office") for r in rows]


def _sorted(items: list[Resolution]) -> list[Resolution]:
    """Return resolutions newest voting first."""
    return sorted(items, key=lambda r: (r.vote_from, r.resolution_id), reverse=True)


def premises_voting_info(premises_id: str) -> dict[str, Any] | None:
    """Return the premises' community_id, community_name and share (None if unknown)."""
    return warehouse.one("voting_premises", premises_id=premises_id)


def resolutions_for_premises(premises_id: str) -> list[Resolution]:
    """Return the resolutions of the premises' community (empty if it belongs to none)."""
    info = premises_voting_info(premises_id)
    if not info or not info["community_id"]:
        return []
    cid = info["community_id"]
    from_wh = [Resolution(**r) for r in warehouse.rows("voting_resolutions", community_id=cid)]
    return _sorted(from_wh + _office_resolutions(cid))


def all_resolutions() -> list[Resolution]:
    """Return every resolution (office view)."""
    from_wh = [Resolution(**r) for r in warehouse.rows("voting_all_resolutions")]
    return _sorted(from_wh + _office_resolutions())


def get_resolution(resolution_id: str) -> Resolution | None:
    """Return the resolution with RESOLUTION_ID from either source, or None."""
    return next((r for r in all_resolutions() if r.resolution_id == resolution_id), None)


def resolution_for_premises(premises_id: str, resolution_id: str) -> Resolution:
    """Return the resolution if the premises' community votes on it; refuse otherwise."""
    found = next((r for r in resolutions_for_premises(premises_id) if r.resolution_id == resolution_id), None)
    if found is None:  # another community's resolution: the same answer as a made-up id
        raise FormError.one(_("Uchwała"), _("nie ma takiej uchwały dla Twojego lokalu."))
    return found


def communities() -> list[dict[str, Any]]:
    """Return the communities (community_id, name) for the office form."""
    return warehouse.rows("voting_communities")


def community_names() -> dict[str, str]:
    """Return {community_id: name}."""
    return {c["community_id"]: c["name"] for c in communities()}


def _window_problems(
    vote_from: dt.datetime | None, vote_to: dt.datetime | None, now: dt.datetime, problems: Problems
) -> None:
    """Add the voting window's problems to PROBLEMS."""
    if vote_from is None:
        problems.add(_("Początek głosowania"), _("podaj datę i godzinę."))
    if vote_to is None:
        problems.add(_("Koniec głosowania"), _("podaj datę i godzinę."))
    elif vote_from is not None and vote_to <= vote_from:
        problems.add(_("Koniec głosowania"), _("musi być później niż początek głosowania."))
    elif vote_to <= now:
        problems.add(_("Koniec głosowania"), _("musi być w przyszłości."))


def _number_taken(community_id: str, number: str) -> bool:
    """Return True if the community already has a resolution numbered NUMBER (either source)."""
    return any(r.number == number for r in _office_resolutions(community_id)) or any(
        r["number"] == number for r in warehouse.rows("voting_resolutions", community_id=community_id)
    )


def _number_problem(community_id: str | None, number: str) -> str | None:
    """Return what is wrong with NUMBER; whether it is taken is checked only in a known community."""
    if not number:
        return _("podaj numer, np. 3/2026.")
    if len(number) > 40:
        return _("najwyżej {limit} znaków.").format(limit=40)
    if community_id is not None and _number_taken(community_id, number):
        return _("uchwała nr {number} tej wspólnoty już istnieje.").format(number=number)
    return None


def _heading_problems(community_id: str, number: str, title: str, problems: Problems) -> None:
    """Add the problems of the resolution's community, number and title to PROBLEMS."""
    known = bool(community_id) and community_id in {c["community_id"] for c in communities()}
    if not known:
        problems.add(_("Wspólnota"), _("wybierz wspólnotę z listy."))
    if problem := _number_problem(community_id if known else None, number):
        problems.add(_("Numer uchwały"), problem)
    if not title:
        problems.add(_("Tytuł"), _("podaj tytuł uchwały."))
    elif len(title) > 300:
        problems.add(_("Tytuł"), _("najwyżej {limit} znaków.").format(limit=300))


def create_resolution(
    *,
    community_id: str,
    number: str,
    title: str,
    body: str | None,
    pdf: bytes | None,
    vote_from: dt.datetime | None,
    vote_to: dt.datetime | None,
    username: str,
    now: dt.datetime,
) -> Resolution:
    """Validate and save an office resolution (text and/or PDF, voting window); FormError names every field."""
    problems = Problems()
    number, title, body = (number or "").strip(), (title or "").strip(), (body or "").strip() or None
    _heading_problems(community_id, number, title, problems)
    upload = uploads.Upload("", pdf) if pdf is not None else None
    checked = uploads.check(upload, uploads.RESOLUTION_PDF, _("Plik PDF"), problems)
    if body is None and pdf is None:
        problems.add(_("Treść"), _("wpisz treść uchwały albo załącz plik PDF."))
    _window_problems(vote_from, vote_to, now, problems)
    problems.raise_if_any()
    row = {
        "resolution_id": f"EB-{now:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}",
        "community_id": community_id,
        "number": number,
        "title": title,
        "body": body,
        "vote_from": vote_from,
        "vote_to": vote_to,
        "created_by": username,
        "created_at": now,
    }
    with uploads.saving(checked, uploads.RESOLUTION_PDF, store.engine().begin()) as (con, stored):
        row["file"] = stored
        con.execute(insert(office_resolutions).values(**row))
    audit.record(
        "resolution_created", username, at=now, resolution_id=row["resolution_id"], community_id=community_id
    )
    return Resolution(**{k: row[k] for k in Resolution.__dataclass_fields__ if k in row}, source="office")


def resolution_pdf(resolution: Resolution) -> bytes | None:
    """Return the resolution's PDF attachment, if any and available."""
    if not resolution.file:
        return None
    if resolution.source == "office":
        return uploads.read(resolution.file, uploads.RESOLUTION_PDF)
    path = warehouse.document_path(resolution.file)
    return path.read_bytes() if path is not None and path.is_file() else None


# --- votes ---


@dataclass(frozen=True)
class Receipt:
    """Proof of a cast vote."""

    resolution_id: str
    premises_id: str
    choice: str
    share: Decimal
    voted_at: dt.datetime
    receipt_code: str
    username: str = ""
    created: bool = field(default=True, compare=False)

    @property
    def choice_name(self) -> str:
        """Return the choice in the run's language (za, przeciw, wstrzymuję się)."""
        return _choice_name(self.choice)

    def text(self) -> str:
        """Return the receipt as shown to the resident."""
        return _("Głos „{choice}” z lokalu {premises} oddano {when}. Kod potwierdzenia: {code}.").format(
            choice=self.choice_name,
            premises=self.premises_id,
            when=fmt.datetime(self.voted_at),
            code=self.receipt_code,
        )


def _choice_name(choice: str) -> str:
    """Return the name of CHOICE in the run's language (an unknown one as it is)."""
    return _(CHOICES[choice]) if choice in CHOICES else choice


def choice_names() -> dict[str, str]:
    """Return CHOICES with the names in the run's language (the pages' radio and chart)."""
    return {choice: _(name) for choice, name in CHOICES.items()}


def _receipt_code() -> str:
    """Return a random receipt code like K7QX-3MPA-9TWE."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _unused in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _receipt(row: Any, created: bool) -> Receipt:
    """Build a Receipt from a votes row."""
    m = row._mapping
    return Receipt(
        resolution_id=m["resolution_id"],
        premises_id=m["premises_id"],
        choice=m["choice"],
        share=Decimal(m["share"]),
        voted_at=m["voted_at"],
        receipt_code=m["receipt_code"],
        username=m["username"],
        created=created,
    )


def vote_of(premises_id: str, resolution_id: str) -> Receipt | None:
    """Return the premises' vote on the resolution, or None."""
    with store.engine().connect() as con:
        row = con.execute(
            select(votes).where(votes.c.resolution_id == resolution_id, votes.c.premises_id == premises_id)
        ).first()
    return _receipt(row, created=False) if row else None


def _vote_problems(
    resolution: Resolution, share: Decimal | None, choice: str | None, now: dt.datetime
) -> Problems:
    """Return what stops a premises with SHARE from voting now: the window, the choice, the share."""
    problems = Problems()
    state = resolution.state(now)
    if state == "planned":
        problems.add(
            _("Głos"), _("głosowanie rozpocznie się {when}.").format(when=fmt.datetime(resolution.vote_from))
        )
    elif state == "closed":
        problems.add(
            _("Głos"), _("głosowanie zakończyło się {when}.").format(when=fmt.datetime(resolution.vote_to))
        )
    elif choice not in CHOICES:
        problems.add(_("Głos"), _("wybierz: za, przeciw albo wstrzymuję się."))
    if share is None or share <= 0:
        problems.add(_("Lokal"), _("lokal nie ma udziału w nieruchomości wspólnej; skontaktuj się z biurem."))
    return problems


def _same_or_refused(existing: Receipt, choice: str, username: str) -> Receipt:
    """Return the first receipt for a repeated identical vote (double click); refuse a different one."""
    if existing.choice == choice and existing.username == username:
        return existing
    raise AlreadyVoted(existing)


def cast_vote(
    *,
    premises_id: str,
    resolution_id: str,
    choice: str | None,
    username: str,
    now: dt.datetime,
    client_address: str | None = None,
) -> Receipt:
    """Save the premises' vote once; a repeated identical vote (double click) returns the first receipt."""
    resolution = resolution_for_premises(premises_id, resolution_id)
    if choice in CHOICES:
        existing = vote_of(premises_id, resolution_id)
        if existing is not None:
            return _same_or_refused(existing, choice, username)
    info = premises_voting_info(premises_id)
    share = info["share"] if info else None
    _vote_problems(resolution, share, choice, now).raise_if_any()
    row = {
        "vote_id": uuid.uuid4().hex,
        "resolution_id": resolution_id,
        "premises_id": premises_id,
        "choice": choice,
        "share": Decimal(share),
        "username": username,
        "voted_at": now,
        "receipt_code": _receipt_code(),
    }
    try:
        with store.engine().begin() as con:
            con.execute(insert(votes).values(**row))
    except IntegrityError:
        # A concurrent request (double click) won: report its vote.
        first = vote_of(premises_id, resolution_id)
        if first is None:
            raise
        return _same_or_refused(first, str(choice), username)
    audit.record("vote_cast", username, premises_id, client_address, at=now, resolution_id=resolution_id)
    return Receipt(**{k: row[k] for k in Receipt.__dataclass_fields__ if k in row}, created=True)


# --- results ---


@dataclass(frozen=True)
class Results:
    """Turnout and the share-weighted result of one resolution."""

    resolution: Resolution
    eligible_count: int
    eligible_share: Decimal
    voted_count: int
    voted_share: Decimal
    counts: dict[str, int]  # choice -> number of premises
    shares: dict[str, Decimal]  # choice -> sum of shares

    @property
    def turnout_count(self) -> float:
        """Return the fraction of entitled premises that voted."""
        return self.voted_count / self.eligible_count if self.eligible_count else 0.0

    @property
    def turnout_share(self) -> float:
        """Return the fraction of all shares that voted."""
        return float(self.voted_share / self.eligible_share) if self.eligible_share else 0.0

    @property
    def adopted(self) -> bool:
        """Return True if the 'for' shares exceed half of all the community's shares (majority of shares)."""
        return self.eligible_share > 0 and self.shares["for"] * 2 > self.eligible_share


def results(
    resolution_id: str, now: dt.datetime, *, admin: bool = False, premises_id: str | None = None
) -> Results:
    """Return the results; residents (admin=False, their premises_id) only after the window closes."""
    if admin:
        resolution = get_resolution(resolution_id)
        if resolution is None:
            raise FormError.one(_("Uchwała"), _("nie ma takiej uchwały."))
    else:
        resolution = resolution_for_premises(premises_id or "", resolution_id)
        if resolution.state(now) != "closed":
            raise ResultsNotAvailable(
                Problem(
                    _("Wyniki"),
                    _("wyniki będą dostępne po zakończeniu głosowania {when}.").format(
                        when=fmt.datetime(resolution.vote_to)
                    ),
                )
            )
    eligible = warehouse.rows("voting_community_premises", community_id=resolution.community_id)
    cast = record(resolution_id)
    counts = {c: 0 for c in CHOICES}
    shares = {c: Decimal(0) for c in CHOICES}
    for v in cast:
        counts[v["choice"]] += 1
        shares[v["choice"]] += v["share"]
    return Results(
        resolution=resolution,
        eligible_count=len(eligible),
        eligible_share=sum((Decimal(e["share"]) for e in eligible), Decimal(0)),
        voted_count=len(cast),
        voted_share=sum((v["share"] for v in cast), Decimal(0)),
        counts=counts,
        shares=shares,
    )


def record(resolution_id: str) -> list[dict[str, Any]]:
    """Return the votes of a resolution, by premises: premises_id, choice, share, voted_at, receipt_code, username."""
    with store.engine().connect() as con:
        rows = con.execute(
            select(votes).where(votes.c.resolution_id == resolution_id).order_by(votes.c.premises_id)
        ).all()
    out = []
    for r in rows:
        m = dict(r._mapping)
        m["share"] = Decimal(m["share"])
        out.append(m)
    return out


def record_rows(resolution_id: str) -> list[dict[str, Any]]:
    """Return every entitled premises with its vote (or none) for the office's record and exports."""
    resolution = get_resolution(resolution_id)
    if resolution is None:
        raise FormError.one(_("Uchwała"), _("nie ma takiej uchwały."))
    cast = {v["premises_id"]: v for v in record(resolution_id)}
    out = []
    for p in warehouse.rows("voting_community_premises", community_id=resolution.community_id):
        v = cast.get(p["premises_id"])
        out.append(
            {
                "premises_id": p["premises_id"],
                "address": p["address"],
                "owner": p["owner"],
                "share": Decimal(p["share"]),
                "choice": v["choice"] if v else None,
                "choice_name": _choice_name(v["choice"]) if v else _("nie głosował"),
                "voted_at": v["voted_at"] if v else None,
                "receipt_code": v["receipt_code"] if v else None,
            }
        )
    return out


CSV_COLUMNS = ("lokal", "adres", "wlasciciel", "udzial", "glos", "czas_glosu", "kod_potwierdzenia")


def record_csv(resolution_id: str) -> bytes:
    """Return the voting record as CSV (UTF-8 with BOM for spreadsheets, ';', decimal comma)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in record_rows(resolution_id):
        w.writerow(
            [
                r["premises_id"],
                r["address"],
                r["owner"],
                format(r["share"], "f").replace(".", ","),
                r["choice_name"],
                r["voted_at"].strftime("%Y-%m-%d %H:%M:%S") if r["voted_at"] else "",
                r["receipt_code"] or "",
            ]
        )
    return buf.getvalue().encode("utf-8-sig")


def _pct(value: float) -> str:
    """Format a fraction as a percentage in the run's language: 45,25%."""
    return f"{fmt.number(Decimal(str(round(value * 100, 2))), 2)}%"


def _record_lines(res: Results, now: dt.datetime) -> list[str]:
    """Return the record's lines above the table: the resolution, turnout and result (run's language)."""
    r = res.resolution
    lines = [
        r.title,
        _("Wspólnota: {name}").format(name=community_names().get(r.community_id, r.community_id)),
        _("Głosowanie: {start} – {end} ({state})").format(
            start=fmt.datetime(r.vote_from), end=fmt.datetime(r.vote_to), state=r.state_name(now)
        ),
        _("Stan na: {when}").format(when=fmt.datetime(now)),
        "",
        _("Frekwencja (lokale): {voted} z {eligible} ({percent})").format(
            voted=res.voted_count, eligible=res.eligible_count, percent=_pct(res.turnout_count)
        ),
        _("Frekwencja (udziały): {voted} z {eligible} ({percent})").format(
            voted=fmt.number(res.voted_share, 4),
            eligible=fmt.number(res.eligible_share, 4),
            percent=_pct(res.turnout_share),
        ),
    ]
    for choice in CHOICES:
        share, n = res.shares[choice], res.counts[choice]
        frac = float(share / res.eligible_share) if res.eligible_share else 0.0
        text = ngettext(
            "{choice}: {n} lokal, udziały {share} ({percent} wszystkich udziałów)",
            "{choice}: {n} lokale, udziały {share} ({percent} wszystkich udziałów)",
            n,
        )
        lines.append(
            text.format(choice=_choice_name(choice), n=n, share=fmt.number(share, 4), percent=_pct(frac))
        )
    if res.adopted:
        lines.append(_("Wynik: uchwała przyjęta (większość udziałów „za”)"))
    else:
        lines.append(_("Wynik: uchwała nieprzyjęta (brak większości udziałów „za”)"))
    return lines


def record_pdf(resolution_id: str, now: dt.datetime) -> bytes:
    """Return the voting record as a PDF with turnout, the weighted result and every premises' vote."""
    from fpdf import FPDF

    res = results(resolution_id, now, admin=True)
    r = res.resolution
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    assets.add_fonts(pdf, subset=False)  # full fonts, as before: owners' names may hold any letter
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    heading = _("Protokół głosowania — uchwała nr {number}").format(number=r.number)
    pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for line in _record_lines(res, now):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (25, 62, 20, 28, 30, 25)
    heads = (_("Lokal"), _("Adres / właściciel"), _("Udział"), _("Głos"), _("Czas"), _("Kod"))
    pdf.set_font("DejaVu", "B", 8)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, h, border=1)
    pdf.ln()
    pdf.set_font("DejaVu", "", 7)
    for row in record_rows(resolution_id):
        cells = (
            row["premises_id"],
            f"{row['address']} — {row['owner']}"[:48],
            fmt.number(row["share"], 4),
            row["choice_name"],
            fmt.datetime(row["voted_at"]) if row["voted_at"] else "",
            row["receipt_code"] or "",
        )
        for w, c in zip(widths, cells, strict=True):
            pdf.cell(w, 5, c, border=1)
        pdf.ln()
    return bytes(pdf.output())


# --- display helpers for the pages ---


def results_rows(res: Results) -> list[dict[str, str]]:
    """Return one row per choice: premises count, share sum and its fraction of all shares."""
    out = []
    for choice in CHOICES:
        share = res.shares[choice]
        frac = float(share / res.eligible_share) if res.eligible_share else 0.0
        out.append(
            {
                _("Głos"): _choice_name(choice),
                _("Lokale"): str(res.counts[choice]),
                _("Suma udziałów"): fmt.number(share, 4),
                _("Udział we wszystkich udziałach"): _pct(frac),
            }
        )
    return out


def turnout_text(res: Results) -> tuple[str, str]:
    """Return the turnout by premises and by share as text."""
    of = _("{voted} z {eligible} ({percent})")
    return (
        of.format(voted=res.voted_count, eligible=res.eligible_count, percent=_pct(res.turnout_count)),
        of.format(
            voted=fmt.number(res.voted_share, 4),
            eligible=fmt.number(res.eligible_share, 4),
            percent=_pct(res.turnout_share),
        ),
    )


def outcome_text(res: Results) -> str:
    """Return whether the resolution passed (majority of all shares for)."""
    if res.adopted:
        return _("Uchwała przyjęta: głosy „za” mają większość wszystkich udziałów.")
    return _("Uchwała nieprzyjęta: głosy „za” nie mają większości wszystkich udziałów.")


def record_table(resolution_id: str) -> list[dict[str, str]]:
    """Return the office's record rows formatted for a table."""
    return [
        {
            _("Lokal"): r["premises_id"],
            _("Adres"): r["address"],
            _("Właściciel"): r["owner"],
            _("Udział"): fmt.number(r["share"], 4),
            _("Głos"): r["choice_name"],
            _("Czas głosu"): fmt.datetime(r["voted_at"]) if r["voted_at"] else "",
            _("Kod potwierdzenia"): r["receipt_code"] or "",
        }
        for r in record_rows(resolution_id)
    ]
