"""Demo helpers that run beside the app (run.sh) end when the app does."""

from __future__ import annotations

import os
import signal
import threading
import time


def end_with_parent(parent_pid: int | None, every: float = 2.0) -> None:
    """Send ourselves SIGTERM once PARENT_PID (the process that started us) has ended; None: never.

    The parent's end shows as a new parent pid (also while it is an unreaped zombie), so the check is
    os.getppid(), not kill(pid, 0). uvicorn stops cleanly on SIGTERM.
    """
    if parent_pid is None or os.getppid() != parent_pid:
        return

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
