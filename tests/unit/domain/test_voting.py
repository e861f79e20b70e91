"""ebok.domain.voting on a tiny warehouse: resolutions, one weighted vote per premises, windows, results, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ebok.core import uploads
from ebok.core.errors import FormError
from ebok.domain import voting
from ebok.domain.voting import AlreadyVoted, ResultsNotAvailable
from ebok.storage import store
from ebok.storage.tables import votes
from tests.helpers import tiny_warehouse as tw

OPEN = dt.datetime(2026, 11, 21, 12, 0)
CLOSED = dt.datetime(2026, 12, 1, 0, 0)
PDF = b"%PDF-1.4\n%test\n"


def tables() -> dict:
    """WM1: P4 (Maria, 0,25), P5 (0,35), P6 (0,40); WM2: P7; P1 outside any community."""
    return {
        "customers": [
            tw.customer(c, n)
            for c, n in (
                ("L0001", "Anna"),
                ("L0002", "Maria Zielińska"),
                ("L0005", "E"),
                ("L0006", "F"),
                ("L0007", "G"),
            )
        ],
        "communities": [
            {"community_id": "WM1", "name": "Wspólnota Lipowa 7"},
            {"community_id": "WM2", "name": "Wspólnota Inna"},
        ],
        "premises": [
            tw.premises("P1", "L0001", "B1"),
            tw.premises("P4", "L0002", "B4", community_id="WM1", share=D("0.25"), tenure="ownership"),
            tw.premises("P5", "L0005", "B4", community_id="WM1", share=D("0.35"), tenure="ownership"),
            tw.premises("P6", "L0006", "B4", community_id="WM1", share=D("0.40"), tenure="ownership"),
            tw.premises("P7", "L0007", "B7", community_id="WM2", share=D("1"), tenure="ownership"),
        ],
        "resolutions": [
            {
                "resolution_id": "U1",
                "community_id": "WM1",
                "number": "3/2026",
                "title": "Remont dachu",
                "body": "Treść",
                "vote_from": dt.datetime(2026, 11, 15, 8),
                "vote_to": dt.datetime(2026, 11, 30, 20),
            },
            {
                "resolution_id": "U2",
                "community_id": "WM2",
                "number": "1/2026",
                "title": "Inna",
                "vote_from": dt.datetime(2026, 11, 15, 8),
                "vote_to": dt.datetime(2026, 11, 30, 20),
            },
            {
                "resolution_id": "U0",
                "community_id": "WM1",
                "number": "9/2025",
                "title": "Stara",
                "vote_from": dt.datetime(2025, 11, 1, 8),
                "vote_to": dt.datetime(2025, 11, 30, 20),
            },
        ],
    }


@pytest.fixture
def wh():
    """Publish the voting warehouse."""
    return tw.build(tables())


def vote(pid: str, choice: str, rid: str = "U1", now: dt.datetime = OPEN, user: str | None = None):
    """Cast a vote with defaults."""
    return voting.cast_vote(
        premises_id=pid, resolution_id=rid, choice=choice, username=user or f"u-{pid}", now=now
    )


def count_votes() -> int:
    """Return the number of stored votes."""
    with store.engine().connect() as con:
        return con.execute(select(func.count()).select_from(votes)).scalar_one()


def test_resolutions_per_community(wh):
    assert [r.resolution_id for r in voting.resolutions_for_premises("P4")] == ["U1", "U0"]
    assert voting.resolutions_for_premises("P1") == []
    assert [r.resolution_id for r in voting.resolutions_for_premises("P7")] == ["U2"]
    assert voting.premises_voting_info("P4")["share"] == D("0.25")
    assert {c["community_id"] for c in voting.communities()} == {"WM1", "WM2"}
    assert {r.resolution_id for r in voting.all_resolutions()} == {"U0", "U1", "U2"}
    r = voting.resolution_for_premises("P4", "U1")
    assert (
        r.state(OPEN) == "open"
        and r.state(CLOSED) == "closed"
        and r.state(dt.datetime(2026, 11, 1)) == "planned"
    )


def test_vote_once_with_receipt(wh):
    receipt = vote("P4", "for", user="maria.zielinska")
    assert receipt.created and receipt.share == D("0.25") and receipt.voted_at == OPEN
    assert len(receipt.receipt_code) == 14 and "21.11.2026 12:00" in receipt.text()
    again = vote("P4", "for", user="maria.zielinska")  # double click
    assert not again.created and again.receipt_code == receipt.receipt_code
    with pytest.raises(AlreadyVoted) as err:
        vote("P4", "against", user="maria.zielinska")
    assert err.value.receipt.choice == "for"
    assert count_votes() == 1
    assert voting.vote_of("P4", "U1").choice_name == "za"
    from ebok.storage import audit

    assert audit.entries("vote_cast")[0]["premises_id"] == "P4"


@pytest.mark.parametrize(
    ("pid", "rid", "choice", "now", "field", "fragment"),
    [
        ("P4", "U1", "maybe", OPEN, "Głos", "wybierz"),
        ("P4", "U1", None, OPEN, "Głos", "wybierz"),
        ("P4", "U1", "for", CLOSED, "Głos", "zakończyło"),
        ("P4", "U1", "for", dt.datetime(2026, 11, 15, 7, 59), "Głos", "rozpocznie"),
        ("P4", "U2", "for", OPEN, "Uchwała", "nie ma"),  # another community's resolution
        ("P1", "U1", "for", OPEN, "Uchwała", "nie ma"),  # premises outside the community
        ("P4", "NOPE", "for", OPEN, "Uchwała", "nie ma"),
    ],
)
def test_bad_votes_refused(wh, pid, rid, choice, now, field, fragment):
    with pytest.raises(FormError) as err:
        vote(pid, choice, rid, now)
    assert any(p.field == field and fragment in p.message for p in err.value.problems)
    assert count_votes() == 0


def test_window_edges(wh):
    assert vote("P4", "for", now=dt.datetime(2026, 11, 15, 8)).created
    with pytest.raises(FormError):
        vote("P5", "for", now=dt.datetime(2026, 11, 30, 20))


def test_results_weighted_and_hidden_until_close(wh):
    vote("P4", "for")
    vote("P5", "against")
    with pytest.raises(ResultsNotAvailable):
        voting.results("U1", OPEN, premises_id="P4")
    with pytest.raises(FormError):
        voting.results("U2", CLOSED, premises_id="P4")  # not P4's community
    res = voting.results("U1", CLOSED, premises_id="P4")
    assert (res.eligible_count, res.voted_count) == (3, 2)
    assert res.eligible_share == D("1.00") and res.voted_share == D("0.60")
    assert res.turnout_count == pytest.approx(2 / 3) and res.turnout_share == pytest.approx(0.6)
    assert res.counts == {"for": 1, "against": 1, "abstain": 0}
    assert res.shares == {"for": D("0.25"), "against": D("0.35"), "abstain": D("0")}
    assert not res.adopted
    admin = voting.results("U1", OPEN, admin=True)  # the office sees it while the vote runs
    assert admin.voted_count == 2
    vote("P6", "for")
    assert voting.results("U1", CLOSED, premises_id="P4").adopted  # 0,65 > 0,5


def test_record_csv_and_pdf(wh):
    vote("P4", "for")
    vote("P6", "abstain")
    rows = list(csv.DictReader(io.StringIO(voting.record_csv("U1").decode("utf-8-sig")), delimiter=";"))
    assert [(r["lokal"], r["udzial"], r["glos"]) for r in rows] == [
        ("P4", "0,2500", "za"),
        ("P5", "0,3500", "nie głosował"),
        ("P6", "0,4000", "wstrzymuję się"),
    ]
    assert rows[0]["kod_potwierdzenia"] == voting.vote_of("P4", "U1").receipt_code
    pdf = voting.record_pdf("U1", CLOSED)
    assert pdf.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Protokół głosowania" in text and "uchwała nr 3/2026" in text
    assert "Wspólnota: Wspólnota Lipowa 7" in text
    assert "Frekwencja (lokale): 2 z 3" in text and "wstrzymuję się" in text
    # One premises each: "1 lokal", not "1 lokali"; nobody against: "0 lokali".
    flat = " ".join(text.split())
    assert "za: 1 lokal," in flat and "przeciw: 0 lokali," in flat


def test_create_office_resolution(wh):
    now = OPEN
    r = voting.create_resolution(
        community_id="WM1",
        number="4/2026",
        title="Fundusz remontowy",
        body=None,
        pdf=PDF,
        vote_from=now,
        vote_to=now + dt.timedelta(days=7),
        username="admin",
        now=now,
    )
    assert r.source == "office" and voting.resolution_pdf(r) == PDF
    assert r.resolution_id in [x.resolution_id for x in voting.resolutions_for_premises("P4")]
    assert r.resolution_id not in [x.resolution_id for x in voting.resolutions_for_premises("P7")]
    assert vote("P4", "for", rid=r.resolution_id, now=now + dt.timedelta(hours=1)).created


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"community_id": "WM9"}, "Wspólnota"),
        ({"number": " "}, "Numer uchwały"),
        ({"number": "3/2026"}, "Numer uchwały"),  # exists in the export
        ({"title": ""}, "Tytuł"),
        ({"body": "", "pdf": None}, "Treść"),
        ({"pdf": b"GIF89a"}, "Plik PDF"),
        ({"vote_from": None}, "Początek głosowania"),
        ({"vote_to": OPEN - dt.timedelta(hours=1)}, "Koniec głosowania"),
        (
            {"vote_from": OPEN - dt.timedelta(days=9), "vote_to": OPEN - dt.timedelta(days=1)},
            "Koniec głosowania",
        ),
    ],
)
def test_create_resolution_refused(wh, kwargs, field):
    args = {
        "community_id": "WM1",
        "number": "5/2026",
        "title": "T",
        "body": "B",
        "pdf": None,
        "vote_from": OPEN,
        "vote_to": OPEN + dt.timedelta(days=3),
        "username": "admin",
        "now": OPEN,
    } | kwargs
    with pytest.raises(FormError) as err:
        voting.create_resolution(**args)
    assert err.value.fields == {field}
    assert [r for r in voting.all_resolutions() if r.source == "office"] == []
    assert pdfs() == []


def pdfs() -> list[str]:
    """Return the names of stored resolution PDFs (a staged .part included)."""
    return sorted(p.name for p in uploads.uploads_dir(uploads.RESOLUTION_PDF).iterdir())


def test_create_resolution_reports_every_problem_at_once(wh):
    with pytest.raises(FormError) as err:
        voting.create_resolution(
            community_id="WM9",
            number="",
            title="",
            body=None,
            pdf=b"GIF89a",
            vote_from=None,
            vote_to=OPEN - dt.timedelta(hours=1),
            username="admin",
            now=OPEN,
        )
    assert err.value.messages == [
        "Wspólnota: wybierz wspólnotę z listy.",
        "Numer uchwały: podaj numer, np. 3/2026.",
        "Tytuł: podaj tytuł uchwały.",
        "Plik PDF: dozwolone są tylko pliki PDF (sprawdzamy zawartość pliku).",
        "Początek głosowania: podaj datę i godzinę.",
        "Koniec głosowania: musi być w przyszłości.",
    ]


def test_failed_resolution_insert_leaves_no_pdf(wh, monkeypatch):
    monkeypatch.setattr(voting, "insert", lambda table: (_ for _ in ()).throw(RuntimeError("baza")))
    with pytest.raises(RuntimeError):
        voting.create_resolution(
            community_id="WM1",
            number="6/2026",
            title="T",
            body=None,
            pdf=PDF,
            vote_from=OPEN,
            vote_to=OPEN + dt.timedelta(days=3),
            username="admin",
            now=OPEN,
        )
    assert pdfs() == [] and [r for r in voting.all_resolutions() if r.source == "office"] == []


def test_local_now_follows_clock():
    from ebok.core import clock

    clock.set_clock(lambda: dt.datetime(2026, 7, 1, 10, 0))  # UTC; Warsaw is UTC+2 in summer
    try:
        assert voting.local_now() == dt.datetime(2026, 7, 1, 12, 0)
    finally:
        clock.set_clock(None)
