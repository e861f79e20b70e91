"""The load bench's own guards: a run of record cannot pass for a mixed load without forms."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from ebok.core import clock, config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lb():
    """Import bench/load_bench.py as its scripts do (bench/ is scripts on sys.path, not a package)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT / "bench"))
        spec = importlib.util.spec_from_file_location("load_bench", ROOT / "bench" / "load_bench.py")
        module = importlib.util.module_from_spec(spec)
        mp.setitem(sys.modules, "load_bench", module)
        spec.loader.exec_module(module)
        yield module


def test_the_bench_opens_the_reading_window_on_any_day(lb):
    cfg = config.load()
    shut = [d for d in range(1, 29) if not cfg.reading_window.is_open(clock.today().replace(day=d))]
    assert shut  # the default window is shut on some days of a month
    lb.open_reading_window()
    cfg = config.load()
    assert all(cfg.reading_window.is_open(clock.today().replace(day=d)) for d in shut)


def step(lb, visits: int, forms: int):  # type: ignore[no-untyped-def]
    return lb.StepResult(
        target="app×1", users=100, seconds=30, reruns=1400, reruns_per_s=46.7, p50_ms=30, p95_ms=900,
        p99_ms=1200, max_ms=1500, errors=0, forms=forms, forms_saved=forms, cpu_ms_per_rerun=15,
        server_cpu_percent=70, server_rss_mb=700, client_cpu_percent=9, form_page_visits=visits,
    )  # fmt: skip


def test_a_step_without_forms_fails_the_run(lb):
    assert lb.formless_steps([step(lb, 200, 27), step(lb, 10, 0)]) == []
    assert lb.formless_steps([step(lb, 200, 27), step(lb, 180, 0)]) == [
        "app×1 100 users: 180 visits to media, no form"
    ]
