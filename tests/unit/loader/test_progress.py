"""Progress of a load: stages in order with rows, time and estimate; quiet, plain lines or a bar."""

from __future__ import annotations

import io

from ebok import loader
from ebok.cli import main
from ebok.loader import progress
from tests.helpers.loader import write_export


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_load_reports_every_stage_in_order_with_its_rows(tmp_path):
    seen: list[progress.Snapshot] = []
    result = loader.load(
        write_export(tmp_path / "exp"), stream=io.StringIO(), progress=progress.Callback(seen.append)
    )
    assert result.status == "ok"
    finished = [s for s in seen if s.finished]
    assert [s.stage for s in finished] == list(progress.STAGES)
    typed = next(s for s in finished if s.stage == progress.TYPING)
    # Every data line of the contract files (the manifest is read before the stages).
    assert typed.rows == sum(n for name, n in result.row_counts.items() if name != "manifest")
    assert typed.total == typed.rows  # the manifest announced as many rows as were read
    assert {s.item for s in seen if s.stage == progress.TYPING} >= {"ledger.csv", "premises.csv", None}


def test_a_rejected_load_stops_after_the_checks(tmp_path):
    folder = write_export(tmp_path / "exp")
    (folder / "ledger.csv").write_text("entry_id\n", encoding="utf-8")
    seen: list[progress.Snapshot] = []
    result = loader.load(folder, stream=io.StringIO(), progress=progress.Callback(seen.append))
    assert result.status == "rejected"
    assert [s.stage for s in seen if s.finished] == [progress.VALIDATING, progress.TYPING, progress.CHECKING]


def test_estimate_is_the_rest_at_the_pace_so_far():
    now = [100.0]
    snaps: list[progress.Snapshot] = []
    tracker = progress.Tracker(snaps.append, clock=lambda: now[0])
    tracker.stage(progress.BUILDING, total=1000)
    now[0] = 110.0
    tracker.advance(250, "charges.csv")
    snap = snaps[-1]
    assert (snap.rows, snap.elapsed, snap.remaining, snap.index, snap.count) == (250, 10.0, 30.0, 4, 7)
    assert snap.text() == (
        "Budowanie hurtowni (4/7): charges.csv, 250 / 1 000 wierszy, 10,0 s, zostało ok. 30,0 s"
    )
    assert snap.fraction == 0.25


def test_plain_lines_one_per_stage_and_quiet_prints_nothing(monkeypatch):
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    out = io.StringIO()
    lines = progress.for_cli(stream=out)
    assert isinstance(lines, progress.Lines)
    lines.stage(progress.TYPING, 10)
    lines.advance(4, "a.csv")
    lines.advance(6, "b.csv")
    lines.stage(progress.CHECKING)
    lines.close()
    text = out.getvalue().splitlines()
    assert len(text) == 2
    assert text[0].startswith("Typowanie (2/7), 10 / 10 wierszy, ")
    assert text[1].startswith("Sprawdzanie powiązań (3/7), ")
    assert isinstance(progress.for_cli(quiet=True, stream=Tty()), progress.Quiet)


def test_a_terminal_gets_a_bar_but_systemd_gets_lines(monkeypatch):
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    assert isinstance(progress.for_cli(stream=Tty()), progress.Bar)
    monkeypatch.setenv("INVOCATION_ID", "abc")
    assert isinstance(progress.for_cli(stream=Tty()), progress.Lines)


def test_the_bar_draws_stage_rows_and_keeps_the_last_frame():
    out = Tty()
    bar = progress.Bar(out)
    bar.stage(progress.TYPING, 2000)
    bar.advance(2000, "charges.csv")
    bar.close()
    text = out.getvalue()
    assert "Typowanie (2/7)" in text
    assert "2 000 / 2 000 wierszy" in text


def test_cli_prints_a_line_per_stage_unless_quiet(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    folder = write_export(tmp_path / "exp")
    assert main(["load", "--quiet", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "Eksport załadowany" in err
    assert "Typowanie" not in err
    assert main(["load", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "\nTypowanie (2/7), " in err and "\nPublikacja (7/7), " in err
