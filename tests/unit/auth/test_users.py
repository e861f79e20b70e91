"""auth.yaml store: only our writer changes it, atomically; concurrent changes lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from ebok.auth import users
from ebok.core import settings
from tests.helpers.auth import DEMO_USERS, write_demo_auth


def test_demo_file_has_bcrypt_hashes_and_fields():
    write_demo_auth()
    raw = yaml.safe_load(settings.auth_file().read_text(encoding="utf-8"))["credentials"]["usernames"]
    assert sorted(raw) == sorted(DEMO_USERS)
    for name, rec in raw.items():
        assert rec["password"].startswith("$2b$") and len(rec["password"]) == 60, name
        assert {
            "name",
            "email",
            "roles",
            "customer_id",
            "premises",
            "disabled",
            "must_change_password",
        } <= set(rec)
    assert raw["admin"]["roles"] == ["admin"]
    assert raw["anna.nowak"]["customer_id"] == "L0001"
    assert raw["jan.kowalski"]["customer_id"] == "W0001"


def _add(i: int) -> None:
    users.add_user(
        f"user{i:03d}",
        {"name": f"U {i}", "email": f"u{i}@example.com", "password": "x", "roles": ["resident"]},
    )


CHILD = """
import sys
from ebok.auth import users
for i in range(int(sys.argv[1]), int(sys.argv[1]) + int(sys.argv[2])):
    users.add_user(f"user{i:03d}", {"name": "U", "email": "u@example.com", "password": "x", "roles": ["resident"]})
"""


def test_fifty_concurrent_thread_writes_lose_nothing():
    write_demo_auth()
    threads = [threading.Thread(target=_add, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = {u.username for u in users.all_users()}
    assert {f"user{i:03d}" for i in range(50)} <= names
    assert set(DEMO_USERS) <= names
    assert not list(settings.auth_file().parent.glob(".auth.yaml.*.tmp"))


def test_fifty_concurrent_process_writes_lose_nothing():
    write_demo_auth()
    env = {**os.environ, "EBOK_AUTH_FILE": str(settings.auth_file())}
    procs = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(100 + 5 * k), "5"], env=env, cwd=settings.ROOT)
        for k in range(10)
    ]
    assert [p.wait(120) for p in procs] == [0] * 10
    names = {u.username for u in users.all_users()}
    assert {f"user{i:03d}" for i in range(100, 150)} <= names
    assert set(DEMO_USERS) <= names


def test_concurrent_field_changes_on_one_user_all_land():
    write_demo_auth()

    def bump(i: int) -> None:
        def change(us: dict) -> None:
            us["anna.nowak"]["premises"] = [*us["anna.nowak"]["premises"], f"X{i}"]

        users.update(change)

    threads = [threading.Thread(target=bump, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(users.get("anna.nowak").premises) == sorted(f"X{i}" for i in range(50))


def test_hand_edit_is_picked_up_while_running():
    write_demo_auth()
    assert users.get("maria.zielinska").disabled is False
    path: Path = settings.auth_file()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["credentials"]["usernames"]["maria.zielinska"]["disabled"] = True
    time.sleep(0.01)  # a hand edit: new content (size/mtime/inode change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert users.get("maria.zielinska").disabled is True


def test_unknown_user_and_case_insensitive_lookup():
    write_demo_auth()
    assert users.get("nobody") is None
    assert users.get("  Anna.Nowak ").username == "anna.nowak"
