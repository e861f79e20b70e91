"""Where e-BOK keeps its files: one data directory, overridable for tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The demo accounts, tracked in git: the seed of a data directory's auth.yaml, never written by the app.
AUTH_SEED = ROOT / "auth.yaml"
# The demo mail catcher listens here unless the port is taken (then it writes the one it got).
MAIL_CATCHER_PORT = 8025
_made: set[str] = set()  # folders this process already made sure exist (asked for on every rerun)


def _ensure(path: Path) -> Path:
    """Create PATH once per process; later calls cost a set lookup."""
    key = str(path)
    if key not in _made:
        path.mkdir(parents=True, exist_ok=True)
        _made.add(key)
    return path


def data_dir() -> Path:
    """Return the data directory (EBOK_DATA_DIR, else data/ beside app.py)."""
    return _ensure(Path(os.environ.get("EBOK_DATA_DIR") or ROOT / "data"))


def warehouse_dir() -> Path:
    """Return the folder of versioned warehouse files and their CURRENT pointer."""
    return _ensure(data_dir() / "warehouse")


def auth_file() -> Path:
    """Return the credentials file: EBOK_AUTH_FILE, else auth.yaml in the data directory.

    The data directory's file starts as a copy of the tracked demo seed, so registering or changing
    a password in a demo never rewrites a file under version control.
    """
    explicit = os.environ.get("EBOK_AUTH_FILE")
    if explicit:
        return Path(explicit)
    path = data_dir() / "auth.yaml"
    if not path.exists() and AUTH_SEED.exists():
        _seed(path)
    return path


def _seed(path: Path) -> None:
    """Copy the demo seed to PATH unless another process got there first (os.link never overwrites)."""
    fd, tmp = tempfile.mkstemp(prefix=".auth.yaml.", suffix=".seed", dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(AUTH_SEED, tmp)
        os.chmod(tmp, 0o600)  # password hashes: readable by the app's user only
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def demo_marker() -> Path:
    """Return the file whose presence marks this data directory as a demo (run.sh writes it)."""
    return data_dir() / "DEMO"


def demo_mode() -> bool:
    """True for a demo installation: EBOK_DEMO=1/0 decides, else the marker run.sh leaves with demo data."""
    flag = os.environ.get("EBOK_DEMO", "").strip()
    if flag:
        return flag not in ("0", "false", "no")
    return demo_marker().exists()


def mailbox_dir() -> Path:
    """Return the demo mail catcher's folder: one .eml file per message it accepted."""
    return _ensure(data_dir() / "mailbox")


def mail_catcher_address() -> tuple[str, int]:
    """Return where the demo mail catcher listens: the address it wrote, else loopback and the default port."""
    try:
        host, _, port = (mailbox_dir() / "ADDRESS").read_text(encoding="utf-8").strip().rpartition(":")
        return host, int(port)
    except (OSError, ValueError):
        return "127.0.0.1", MAIL_CATCHER_PORT


def config_file() -> Path:
    """Return the office's config file (EBOK_CONFIG, else config.yaml in the data directory)."""
    return Path(os.environ.get("EBOK_CONFIG") or data_dir() / "config.yaml")


def store_url() -> str:
    """Return the operational store URL (EBOK_STORE_URL, else SQLite in the data directory)."""
    return os.environ.get("EBOK_STORE_URL") or f"sqlite:///{data_dir() / 'ebok.sqlite'}"


# The store's connection pool per process (a server store, PostgreSQL): at most size + overflow
# connections open; a page that finds them all busy waits up to the timeout for one instead of
# opening more (PostgreSQL's max_connections is shared by every process and replica).
STORE_POOL_DEFAULTS = {"size": 5, "overflow": 5, "timeout": 30.0}


def store_pool() -> dict[str, float]:
    """Return the store's pool bounds: EBOK_STORE_POOL_SIZE, _MAX_OVERFLOW, _POOL_TIMEOUT (seconds).

    A missing, unreadable or negative value falls back to the default (5, 5, 30 s); size is at least 1.
    """
    out: dict[str, float] = {}
    for key, env in (("size", "EBOK_STORE_POOL_SIZE"), ("overflow", "EBOK_STORE_MAX_OVERFLOW"),
                     ("timeout", "EBOK_STORE_POOL_TIMEOUT")):  # fmt: skip
        default = STORE_POOL_DEFAULTS[key]
        try:
            value = float(os.environ.get(env, "").strip() or default)
        except ValueError:
            value = default
        out[key] = value if value >= 0 else default
    out["size"] = max(1, int(out["size"]))
    out["overflow"] = int(out["overflow"])
    return out


def secrets_file() -> Path:
    """Return the per-installation secrets file (cookie key), never committed."""
    return data_dir() / "secrets.yaml"
