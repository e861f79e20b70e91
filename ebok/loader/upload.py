"""The office's import page below the UI: save an uploaded export, unpack a ZIP safely, prepare, decide.

The page ("Import danych", pages/admin_import.py) and the nightly `python -m ebok load` run the same
code: this module saves the upload into a fresh folder under the loader's folder and hands it to
run.prepare(); the office then publishes or discards it through run.publish() / run.discard().
Every upload goes through the one upload check (ebok.core.uploads, kind EXPORT). A ZIP is unpacked
only when every member is a plain file at a relative path inside the folder (no absolute path, no
`..`, no link, not encrypted), with the number of files and the unpacked size bounded while writing.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import stat
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

from ebok.core import clock, config, fmt, uploads
from ebok.core.errors import FormError, Problems
from ebok.core.i18n import N_, _, ngettext
from ebok.domain import data_status
from ebok.loader import profiles, run
from ebok.loader import progress as stages
from ebok.storage import audit

FIELD = N_("Pliki eksportu")
MAX_FILES = 20_000  # the CSV files plus documents/ PDFs of one export
MAX_UNPACKED = 2 * 1024 * 1024 * 1024  # bytes, every file together once unpacked (a ZIP bomb stops here)
CHUNK = 1024 * 1024
KEEP_HOURS = 6  # an upload folder left by a killed page run is removed after this
SKIPPED = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)

# The phases the page shows; a callable (label, share 0..1) receives them, translated, as they are
# reached (marked N_: translate with _() where shown).
PHASES = (
    N_("Zapisywanie plików"),
    N_("Sprawdzanie plików i budowanie hurtowni"),
    N_("Porównanie z hurtownią w użyciu"),
    N_("Decyzja"),
)
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Saved:
    """An uploaded export saved as a folder the loader reads."""

    folder: Path
    names: tuple[str, ...]  # the files as the loader sees them (documents/… included)
    size: int  # bytes on disk

    @property
    def summary(self) -> str:
        """Return 'N plików, X MB' in the language of this run."""
        count = len(self.names)
        size = fmt.number(Decimal(self.size) / uploads.MB, 1)
        return ngettext("{n} plik, {size} MB", "{n} pliki, {size} MB", count).format(n=count, size=size)


def _where(name: str) -> str:
    """Return the field naming an uploaded file in a refusal."""
    return _("Plik „{name}”").format(name=name)


def save(files: Sequence[uploads.Upload], actor: str) -> Saved:
    """Check FILES (one ZIP, or CSV/XLSX files) and save them into a fresh folder; audited as ACTOR.

    Raises FormError naming each refused file: wrong type, too big, a ZIP with an unsafe or too big
    content, a ZIP mixed with other files, the same name twice.
    """
    checked = _checked(files)
    _remove_stale()
    folder = run.uploads_dir() / f"{clock.local_now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    try:
        if checked[0].mime == uploads.ZIP:
            _unpack(checked[0], folder)
        else:
            for c in checked:
                (folder / c.display_name).write_bytes(c.data)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    saved = _saved(folder)
    audit.record("load_uploaded", username=actor, folder=folder.name, files=len(saved.names),
                 size=saved.size, uploaded=[c.display_name for c in checked])  # fmt: skip
    return saved


def _checked(files: Sequence[uploads.Upload]) -> list[uploads.Checked]:
    """Return FILES checked (the one upload check, kind EXPORT); refuse (FormError) what cannot be loaded."""
    problems = Problems()
    if not files:
        problems.add(_(FIELD), _("wybierz plik ZIP z eksportem albo pliki eksportu (CSV, XLSX)."))
    checked = [c for f in files if (c := uploads.check(f, uploads.EXPORT, _where(f.name), problems))]
    problems.raise_if_any()
    if len(checked) > 1 and any(c.mime == uploads.ZIP for c in checked):
        problems.add(
            _(FIELD), _("wyślij jeden plik ZIP albo same pliki CSV i XLSX, nie jedno i drugie naraz.")
        )
    seen: set[str] = set()
    for c in checked:
        if c.display_name.lower() in seen:
            problems.add(_where(c.display_name), _("wybrano go dwa razy."))
        seen.add(c.display_name.lower())
    if sum(c.size for c in checked) > MAX_UNPACKED:
        problems.add(
            _(FIELD),
            _("pliki mają razem ponad {size} GB; tyle nie przyjmujemy.").format(size=MAX_UNPACKED // 1024**3),
        )
    problems.raise_if_any()
    return checked


def _saved(folder: Path) -> Saved:
    """Return what FOLDER holds."""
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    names = tuple(p.relative_to(folder).as_posix() for p in paths)
    return Saved(folder, names, sum(p.stat().st_size for p in paths))


def _remove_stale() -> None:
    """Remove upload folders older than KEEP_HOURS (left by a page run that was killed)."""
    root = run.uploads_dir()
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_HOURS * 3600
    for path in root.iterdir():
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def _members(archive: zipfile.ZipFile, name: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Return the ZIP's files with their safe relative paths; refuse (FormError) an unsafe archive."""
    problems = Problems()
    where = _where(name)
    infos = [i for i in archive.infolist() if not i.is_dir() and not SKIPPED.search(i.filename)]
    if len(infos) > MAX_FILES:
        problems.add(
            where,
            _("archiwum ma {n} plików, dopuszczalne {limit}.").format(n=len(infos), limit=MAX_FILES),
        )
    out = []
    for info in infos[:MAX_FILES]:
        raw = info.filename.replace("\\", "/")
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        unsafe = _unsafe(info, raw, parts)
        if unsafe:
            problems.add(where, unsafe)
        else:
            out.append((info, PurePosixPath(*parts)))
    problems.raise_if_any()
    if not out:
        raise FormError.one(where, _("archiwum jest puste."))
    return _strip_common_folder(out)


def _unsafe(info: zipfile.ZipInfo, raw: str, parts: list[str]) -> str | None:
    """Return why the ZIP member INFO (named RAW, path PARTS) is not unpacked, None when it is safe."""
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: made on Windows, no Unix type recorded
    if raw.startswith("/") or re.match(r"[A-Za-z]:", raw) or ".." in parts or not parts:
        return _("zawiera plik o niebezpiecznej ścieżce „{name}” (bezwzględnej albo z „..”).").format(
            name=raw
        )
    if kind and kind != stat.S_IFREG:
        return _("zawiera „{name}”, który nie jest zwykłym plikiem (np. dowiązanie).").format(name=raw)
    if info.flag_bits & 0x1:
        return _("plik „{name}” jest zaszyfrowany; spakuj eksport bez hasła.").format(name=raw)
    return None


def _strip_common_folder(
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]],
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Drop one folder every member is in (a zipped export folder), unless it is documents/."""
    tops = {path.parts[0] for _, path in members}
    if len(tops) == 1 and all(len(path.parts) > 1 for _, path in members) and tops != {"documents"}:
        return [(info, PurePosixPath(*path.parts[1:])) for info, path in members]
    return members


def _unpack(checked: uploads.Checked, folder: Path) -> None:
    """Unpack the ZIP CHECKED into FOLDER; refuse (FormError) an unsafe, broken or too big archive."""
    name = checked.display_name
    try:
        with zipfile.ZipFile(io.BytesIO(checked.data)) as archive:
            written = 0
            for info, path in _members(archive, name):
                target = folder.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                # Counted as written, not as the archive declares: a forged size cannot get past.
                with archive.open(info) as src, open(target, "xb") as dst:
                    while block := src.read(CHUNK):
                        written += len(block)
                        if written > MAX_UNPACKED:
                            raise FormError.one(
                                _where(name),
                                _("po rozpakowaniu ma ponad {size} GB; tyle nie przyjmujemy.").format(
                                    size=MAX_UNPACKED // 1024**3
                                ),
                            )
                        dst.write(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise FormError.one(
            _where(name), _("nie jest poprawnym archiwum ZIP ({error}).").format(error=exc)
        ) from None
    except FileExistsError as exc:
        raise FormError.one(
            _where(name), _("zawiera plik „{name}” dwa razy.").format(name=Path(exc.filename).name)
        ) from None


def profile_choices() -> dict[str, str]:
    """Return {profile name: label for the page}: every profile the loader knows, its description."""
    out = {}
    for name in profiles.available():
        try:
            description = profiles.load_profile(name).description
        except FormError:
            description = _("profil z błędem (python -m ebok profile check)")
        out[name] = f"{name} — {description}" if description else name
    return out


def office_profile() -> str:
    """Return the profile the office config names (export.profile), the page's default choice."""
    return config.load().export.profile


def prepare(saved: Saved, profile: str, actor: str, progress: Progress | None = None) -> run.LoadResult:
    """Check, build and compare the SAVED export read through PROFILE; the saved folder is then removed.

    The same run.prepare() as `python -m ebok load`; ACTOR is named by a busy answer meanwhile.
    PROGRESS receives the phases the page shows.
    """
    step = progress or _silent
    step(_(PHASES[1]), 0.1)
    try:
        # The loader's report goes to reports/<id>.txt (report()), not to the app's log.
        # The loader's own stages (checking, typing, building, …) drive the bar between 10 and 90 %:
        # overall = the stages done plus the current one's share.
        def stage(snap: stages.Snapshot) -> None:
            done = (snap.index - 1 + snap.fraction) / max(snap.count, 1)
            step(snap.text(), 0.1 + 0.8 * min(1.0, done))

        result = run.prepare(
            saved.folder, stream=io.StringIO(), profile=profile, actor=actor, progress=stages.Callback(stage)
        )
    finally:
        # Personal data: the export is not kept once built (documents are copied into the store).
        shutil.rmtree(saved.folder, ignore_errors=True)
    step(_(PHASES[2]), 0.9)
    step(_(PHASES[3]), 1.0)
    return result


def _silent(_label: str, _share: float) -> None:
    """Progress that shows nothing."""


def publish(
    load_id: str, actor: str, *, force: bool = False, reason: str = "", confirmed: bool = False
) -> run.LoadResult:
    """Publish the pending LOAD_ID as ACTOR; a refused export only with FORCE, a REASON and CONFIRMED.

    Raises FormError when refused (the reason or the confirmation missing, another load running,
    the load no longer pending, the served version changed since it was prepared).
    """
    if force:
        problems = Problems()
        if not reason.strip():
            problems.add(
                _("Powód"),
                _("podaj, dlaczego publikujesz eksport mimo odrzucenia (trafi do dziennika zdarzeń)."),
            )
        if not confirmed:
            problems.add(_("Potwierdzenie"), _("zaznacz, że zmiany w eksporcie są prawdziwe."))
        problems.raise_if_any()
    result = run.publish(
        load_id, actor=actor, force=force, reason=reason.strip() or None, stream=io.StringIO()
    )
    audit.record("load_published", username=actor, load_id=load_id, warehouse_file=result.warehouse_file,
                 forced=force)  # fmt: skip
    return result


def discard(load_id: str, actor: str) -> run.LoadResult:
    """Discard the pending LOAD_ID as ACTOR (audited by run.discard); raise FormError."""
    return run.discard(load_id, actor=actor, stream=io.StringIO())


def waiting() -> str | None:
    """Return the load that waits for a decision (the newest pending one), None when none does."""
    return next((r.load_id for r in data_status.runs(limit=20) if r.status == "pending"), None)


def report(load_id: str) -> str | None:
    """Return LOAD_ID's report as the loader wrote it (reports/<id>.txt), None when there is none."""
    if not re.fullmatch(r"[0-9TZ]+", load_id):
        return None
    path = run.loader_dir() / "reports" / f"{load_id}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def busy_text(lang: str | None = None) -> str | None:
    """Return who is loading and since when, in LANG (None: the language of this run); None when no load runs."""
    return run.busy_text(lang)
