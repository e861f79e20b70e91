"""The portal's pages: file, title, who may open them and which config module switches them on.

app.py builds st.navigation from this list (only pages whose file exists, whose role matches the
signed-in user, whose module is on and, for a resident, applies to one of their premises); each
page also checks its own role through the guard. A page left out of st.navigation cannot be opened
by its address either: Streamlit runs the start page instead.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

from ebok.core import assets, config, settings
from ebok.core.i18n import N_, _
from ebok.domain import modules
from ebok.storage import warehouse
from ebok.web import cached
from ebok.web.session import CurrentUser


@dataclass(frozen=True)
class PageSpec:
    """One page of the portal."""

    file: str  # path relative to the project root
    title: str  # a msgid (N_): shown with _(), or through .label
    icon: str
    role: str  # "resident", "admin", "any" (signed in), "public" (signed out) or "everyone"
    module: str | None = None  # config key under modules: that must be on
    section: str = N_("Moje konto")  # a msgid, like title: shown with _()
    start: bool = False  # the page a user of this role lands on (the first such page they may see)
    hidden: bool = False  # opened by a link only (a gateway's return), never listed in the menu

    @property
    def label(self) -> str:
        """Return the page's title in the run's language (st.Page, st.page_link)."""
        return _(self.title)

    @property
    def section_label(self) -> str:
        """Return the menu section's name in the run's language ('' for none)."""
        return _(self.section) if self.section else ""


PAGES: tuple[PageSpec, ...] = (
    # Resident (issue 3)
    PageSpec("pages/saldo.py", N_("Saldo"), ":material/account_balance_wallet:", "resident", start=True),
    PageSpec("pages/rachunki.py", N_("Rachunki i płatności"), ":material/receipt_long:", "resident"),
    PageSpec("pages/faktury.py", N_("Faktury i kalendarz"), ":material/calendar_month:", "resident"),
    PageSpec("pages/zaplac.py", N_("Zapłać"), ":material/qr_code_2:", "resident"),
    # Online payments (issue 15): the gateway sends the resident back to this page
    PageSpec("pages/platnosc.py", N_("Status płatności"), ":material/payments:", "resident", hidden=True),
    PageSpec("pages/moje_dane.py", N_("Moje dane i lokale"), ":material/home:", "resident"),
    PageSpec("pages/media.py", N_("Media i odczyty"), ":material/water_drop:", "resident", "meters"),
    PageSpec(
        "pages/rozliczenia.py", N_("Rozliczenia liczników"), ":material/calculate:", "resident", "settlements"
    ),
    PageSpec("pages/dokumenty.py", N_("Dokumenty"), ":material/description:", "resident"),
    PageSpec("pages/wiadomosci.py", N_("Wiadomości"), ":material/mail:", "resident"),
    PageSpec("pages/kontakt.py", N_("Napisz do nas"), ":material/contact_support:", "resident", "contact"),
    PageSpec("pages/awarie.py", N_("Zgłoś awarię"), ":material/build:", "resident", "faults"),
    PageSpec("pages/uchwaly.py", N_("Uchwały i głosowanie"), ":material/how_to_vote:", "resident", "voting"),
    PageSpec("pages/odpady.py", N_("Odpady i wywozy"), ":material/delete:", "resident", "waste"),
    # Office (issue 5); the office lands on its dashboard (issue 12)
    PageSpec(
        "pages/admin_start.py", N_("Pulpit"), ":material/dashboard:", "admin", section=N_("Biuro"), start=True
    ),
    PageSpec(
        "pages/admin_konta.py", N_("Konta i rejestracje"), ":material/group:", "admin", section=N_("Biuro")
    ),
    PageSpec(
        "pages/admin_skrzynka.py", N_("Skrzynka zgłoszeń"), ":material/inbox:", "admin", section=N_("Biuro")
    ),
    PageSpec(
        "pages/admin_komunikaty.py", N_("Komunikaty"), ":material/campaign:", "admin", section=N_("Biuro")
    ),
    PageSpec(
        "pages/admin_odczyty.py",
        N_("Odczyty liczników"),
        ":material/speed:",
        "admin",
        "meters",
        section=N_("Biuro"),
    ),
    PageSpec(
        "pages/admin_uchwaly.py", N_("Uchwały"), ":material/gavel:", "admin", "voting", section=N_("Biuro")
    ),
    PageSpec(
        "pages/admin_konfiguracja.py", N_("Konfiguracja"), ":material/settings:", "admin", section=N_("Biuro")
    ),
    PageSpec("pages/admin_dane.py", N_("Stan danych"), ":material/database:", "admin", section=N_("Biuro")),
    PageSpec(
        "pages/admin_import.py", N_("Import danych"), ":material/upload_file:", "admin", section=N_("Biuro")
    ),
    PageSpec(
        "pages/admin_platnosci.py",
        N_("Płatności online"),
        ":material/credit_card:",
        "admin",
        section=N_("Biuro"),
    ),
    PageSpec(
        "pages/admin_poczta.py",
        N_("Wiadomości e-mail"),
        ":material/outgoing_mail:",
        "admin",
        section=N_("Biuro"),
    ),
    # Any signed-in user (issue 4); after the office's pages, so an office menu starts with "Biuro"
    PageSpec(
        "pages/konto.py", N_("Hasło i bezpieczeństwo"), ":material/lock:", "any", section=N_("Ustawienia")
    ),
    PageSpec("pages/jezyk.py", N_("Język"), ":material/translate:", "any", section=N_("Ustawienia")),
    PageSpec(
        "pages/powiadomienia.py",
        N_("Powiadomienia"),
        ":material/notifications:",
        "resident",
        section=N_("Ustawienia"),
    ),
    # Signed out (issue 4)
    PageSpec(
        "pages/rejestracja.py", N_("Rejestracja"), ":material/person_add:", "public", section=N_("Konto")
    ),
    PageSpec(
        "pages/reset_hasla.py", N_("Nie pamiętam hasła"), ":material/key:", "public", section=N_("Konto")
    ),
    # Signed in or out: RODO, accessibility statement, office contact
    PageSpec(
        "pages/informacje.py",
        N_("Informacje i dostępność"),
        ":material/info:",
        "everyone",
        section=N_("Informacje"),
    ),
)


@functools.cache
def favicon() -> str:
    """Return the portal's favicon as a data: URL (read once per process; app.py asks on every rerun).

    A :material/…: page icon makes the browser fetch it from a font CDN; a file path is re-served
    from /media on every rerun, one more request per click (and a favicon request Chromium sometimes
    leaves pending, which kept the browser tests from ever seeing the network idle).
    """
    data = (assets.ASSETS_DIR / "favicon.png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


@functools.cache
def _page_file_exists(file: str) -> bool:
    """Return True when the page file is installed (a deployment's files change only with a restart)."""
    return (settings.ROOT / file).exists()


@cached.cached
def customer_modules(premises_ids: tuple[str, ...], version: str | None) -> frozenset[str]:
    """Return the per-premises modules that apply to any of PREMISES_IDS (key: premises + version).

    The menu is built on every rerun; the answer changes only with a new warehouse version.
    """
    return modules.applicable(premises_ids)


def _applicable(user: CurrentUser | None) -> frozenset[str] | None:
    """Return the per-premises modules USER's premises have; None when no such limit applies."""
    if user is None or not user.has_role("resident"):
        return None
    version = warehouse.current_version()
    if version is None:  # before the first load or no readable version: nothing applies, nothing to ask
        return frozenset()
    return customer_modules(tuple(sorted(user.premises_ids)), version)


def allowed_pages(user: CurrentUser | None, existing_only: bool = True) -> list[PageSpec]:
    """Return the navigation entries USER may see (None = signed out: public pages only)."""
    cfg = config.load()
    applies = _applicable(user)
    out = []
    for spec in PAGES:
        if existing_only and not _page_file_exists(spec.file):
            continue
        if spec.module and not cfg.module_on(spec.module):
            continue
        if applies is not None and spec.role == "resident" and _lacks(spec, applies):
            continue
        if spec.role == "everyone":
            allowed = True
        elif user is None:
            allowed = spec.role == "public"
        else:
            allowed = spec.role != "public" and user.has_role(spec.role)
        if allowed:
            out.append(spec)
    return out


def _lacks(spec: PageSpec, applies: frozenset[str]) -> bool:
    """Return True when SPEC's module depends on the premises and none of the user's has it."""
    return spec.module in modules.PER_PREMISES and spec.module not in applies


def start_page(specs: list[PageSpec]) -> PageSpec | None:
    """Return the page to land on among SPECS: the first start page (Saldo, Pulpit), else None."""
    return next((spec for spec in specs if spec.start), None)
