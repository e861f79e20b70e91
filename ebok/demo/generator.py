"""Demo export generator: a cooperative, a housing community and a water utility's customers.

The export is written exactly in the format of ebok.core.contract (every file of FILES plus
manifest.csv, PDFs in documents/). Files are streamed premises by premises, so memory stays
bounded (only customers and premises are held) and 100 000 premises work for benchmarks.

Reproducible: the same seed, premises count, as_of and dialect give byte-identical files.
Persona data (docs/demo-data.md) does not depend on the seed: each persona premises uses its own
random generator seeded by its id.

Money is kept in grosze (int), dec4 values (m2, m3, rates) in ten-thousandths (int).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ebok.core import clock, contract, fmt
from ebok.demo import data, pdfs
from ebok.demo.csvout import Dialect, Numbers, TableWriter, iso_date, iso_datetime, quote, sha256_file

WINDOW_MONTHS = 60  # five years of monthly charges up to as_of
MIN_PREMISES = 20  # personas need this many
PDF_SAMPLE = 10  # non-persona premises that get PDFs
GRACE_DAYS = 3  # no interest for payments up to this many days late
MIN_INTEREST = 200  # grosze: smaller interest is not booked
MIN_PAYMENT = 1000  # grosze: smaller balances are paid together with the next month
LEGALISATION_YEARS = 5  # water meters

# Persona premises: fixed ids whatever the seed or size.
ANNA_FLAT = "B0001/M001"
ANNA_GARAGE = "B0001/G001"
BLAZEJ_SHOP = "B0001/U001"
MARIA_FLAT = "WM001/M001"
JAN_HOUSE = "D00001"
PERSONA_PREMISES = (ANNA_FLAT, ANNA_GARAGE, BLAZEJ_SHOP, MARIA_FLAT, JAN_HOUSE)
PERSONA_CUSTOMERS = {
    "L0001": ("Anna Nowak", "anna.nowak@example.pl", "+48 501 234 567", None),
    "L0002": ("Maria Zielińska", "maria.zielinska@example.pl", "+48 602 345 678", None),
    "U0001": (
        "Zakład Fryzjerski Błażej Wiśniewski",
        "blazej.wisniewski@example.pl",
        "+48 22 610 11 22",
        "5260250995",
    ),
    "W0001": ("Jan Kowalski", "jan.kowalski@example.pl", "+48 698 765 432", None),
}
FIRST_COMMUNITY = "WM001"
# Demo users of docs/demo-data.md: username -> (customer_id, premises ids).
PERSONAS = {
    "anna.nowak": ("L0001", (ANNA_FLAT, ANNA_GARAGE)),
    "blazej.wisniewski": ("U0001", (BLAZEJ_SHOP,)),
    "maria.zielinska": ("L0002", (MARIA_FLAT,)),
    "jan.kowalski": ("W0001", (JAN_HOUSE,)),
}

# Charge components per kind of premises, in output (alphabetical) order; "vat" is computed.
SCHEMES = {
    "coop_flat": ("cold_water", "heating", "hot_water", "maintenance", "repair_fund", "waste"),
    "community_flat": ("cold_water", "heating", "hot_water", "management", "repair_fund", "waste"),
    "coop_commercial": ("heating", "maintenance", "rent", "waste_containers", "water_m3"),
    "garage": ("garage",),
    "house": ("subscription", "waste", "water_m3"),
    "house_business": ("subscription", "waste_containers", "water_m3"),
}
METER_MEDIA = {
    "coop_flat": ("cold_water", "hot_water"),
    "community_flat": ("cold_water", "hot_water"),
    "coop_commercial": ("cold_water",),
    "garage": (),
    "house": ("cold_water",),
    "house_business": ("cold_water",),
}
# Monthly water use in m3 per person, by month (summer higher); houses also water gardens.
SEASON = (0.95, 0.93, 0.97, 1.0, 1.04, 1.1, 1.08, 1.02, 1.0, 0.98, 0.96, 0.97)
GARDEN = (1.0, 1.0, 1.0, 1.05, 1.3, 1.5, 1.6, 1.5, 1.15, 1.0, 1.0, 1.0)
PER_PERSON = {"cold_water": 2.9, "hot_water": 1.25}
PAYERS = {
    "flat": (("punctual", 62), ("late", 15), ("standing", 10), ("arrears", 7), ("quarterly", 6)),
    "commercial": (("punctual", 70), ("late", 20), ("arrears", 10)),
    "house": (("punctual", 70), ("late", 15), ("standing", 10), ("arrears", 5)),
}
CORRECTIONS_UP = (
    "Korekta naliczenia – zmiana liczby osób",
    "Korekta – koszt wymiany wkładki zamka na zlecenie lokatora",
    "Korekta naliczenia opłaty za odpady",
)
CORRECTIONS_DOWN = (
    "Korekta – bonifikata za przerwę w dostawie ciepłej wody",
    "Korekta naliczenia – zmiana liczby osób",
    "Korekta – zwrot kosztów upomnienia",
)


# --- small helpers -------------------------------------------------------------------------


# Registration codes avoid characters a resident could misread on paper (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def registration_code(seed: int, customer_id: str) -> str:
    """Return the customer's one-time registration code, e.g. K7QM-4XPR-2HTD (12 characters, ~59 bits)."""
    rng = random.Random(f"registration-code:{seed}:{customer_id}")
    chars = "".join(rng.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def month_index(day: dt.date) -> int:
    """Return a month as one integer (year * 12 + month - 1)."""
    return day.year * 12 + day.month - 1


def month_day(mi: int, day: int) -> dt.date:
    """Return day DAY of month MI, clamped to the month's last day."""
    year, month = divmod(mi, 12)
    return dt.date(year, month + 1, min(day, calendar.monthrange(year, month + 1)[1]))


def month_end(mi: int) -> dt.date:
    """Return the last day of month MI."""
    return month_day(mi, 31)


def add_years(day: dt.date, years: int) -> dt.date:
    """Return DAY moved by YEARS years (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def nrb(account16: str) -> str:
    """Return the 26-digit NRB: IBAN check digits + the bank routing number + ACCOUNT16."""
    bban = data.BANK_ROUTING + account16
    check = 98 - int(bban + "252100") % 97  # 'PL' = 25 21, then '00'
    return f"{check:02d}{bban}"


NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def make_nip(rng: random.Random) -> str:
    """Return a random NIP with a valid check digit."""
    while True:
        digits = rng.choice(data.NIP_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(6))
        check = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return digits + str(check)


_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def ascii_fold(text: str) -> str:
    """Replace Polish letters by ASCII ones (for e-mail addresses)."""
    return text.translate(_ASCII)


def feminine(surname: str) -> str:
    """Return the feminine form of a surname (Kowalski -> Kowalska)."""
    for masc in ("ski", "cki", "dzki"):
        if surname.endswith(masc):
            return surname[:-1] + "a"
    return surname


def _index(code: str, year: int) -> float:
    """Price index of component CODE in YEAR; outside the table 4% a year."""
    table = data.YEAR_INDEX[data.INDEX_GROUP.get(code, "default")]
    first, last = min(table), max(table)
    if year in table:
        return table[year]
    if year > last:
        return table[last] * 1.04 ** (year - last)
    return table[first] * 0.96 ** (first - year)


@lru_cache(maxsize=4096)
def rate_cents(code: str, year: int) -> int:
    """Return the rate of component CODE in YEAR, in grosze per unit."""
    return int(data.BASE_RATES[code] * _index(code, year) * 100 + 0.5)


@lru_cache(maxsize=512)
def water_price_cents(medium: str, year: int) -> int:
    """Return the settlement price of 1 m3 (grosze): cold water with sewage, or hot water heating."""
    if medium == "hot_water":
        return int(data.HOT_WATER_PRICE * _index("hot_water", year) * 100 + 0.5)
    return int(data.WATER_PRICE * _index("cold_water", year) * 100 + 0.5)


def interest_rate(year: int) -> float:
    """Statutory late-payment interest in percent a year."""
    table = data.INTEREST_RATE
    return table.get(year, table[max(table)] if year > max(table) else table[min(table)])


def weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    """Pick one option by weight."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def month_label(mi: int) -> str:
    """Return e.g. 'listopad 2026'."""
    return f"{data.MONTHS_PL[mi % 12]} {mi // 12}"


# --- the plan: customers, communities, premises ----------------------------------------------


@dataclass
class Customer:
    customer_id: str
    name: str
    email: str
    phone: str
    consent: bool
    nip: str | None


@dataclass
class Premises:
    premises_id: str
    customer_id: str
    building_id: str
    street: str
    building_no: str
    unit_no: str
    postcode: str
    city: str
    kind: str
    tenure: str
    area: int  # 1/100 m2
    persons: int
    storage: int | None  # 1/100 m2
    community_id: str
    account16: str
    scheme: str
    payer: str = "punctual"
    usage: float = 1.0
    persons_before: int | None = None
    persons_change: int = 0  # month index from which `persons` applies
    declared: int = 0  # m3 (x10000) or containers, for m3/piece components
    containers: int = 0
    reading_mode: str = "radio"
    phases: dict[str, tuple[int, int]] = field(default_factory=dict)  # medium -> (months, day)
    share: int | None = None  # 1/10000
    route_id: str = ""
    persona: bool = False

    def persons_at(self, mi: int) -> int:
        if self.persons_before is not None and mi < self.persons_change:
            return self.persons_before
        return self.persons

    @property
    def label(self) -> str:
        unit = f" lok. {self.unit_no}" if self.unit_no else ""
        return f"{self.street} {self.building_no}{unit}, {self.postcode} {self.city}"


class CustomerIds:
    """Allocate customer symbols letter by letter: L0003 … L9999, then M0001 …"""

    def __init__(self, letters: str, start: int) -> None:
        self.letters = letters
        self.letter = 0
        self.number = start - 1

    def next(self) -> str:
        self.number += 1
        if self.number > 9999:
            self.letter += 1
            self.number = 1
        return f"{self.letters[self.letter]}{self.number:04d}"


@dataclass
class Plan:
    customers: dict[str, Customer]
    communities: list[tuple[str, str, str]]  # id, name, nip
    premises: list[Premises]
    buildings: dict[str, str]  # building_id -> address label
    routes: list[tuple[str, int]]  # route id, weekday


class Planner:
    """Build customers, communities and premises for N premises."""

    def __init__(self, n: int, seed: int, as_of: dt.date) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.A = month_index(as_of)
        self.w0 = self.A - WINDOW_MONTHS + 1
        self.customers: dict[str, Customer] = {}
        self.premises: list[Premises] = []
        self.buildings: dict[str, str] = {}
        self.communities: list[tuple[str, str, str]] = []
        self.res_ids = CustomerIds("LMNOPRSTKJHGFEDCBA", 3)
        self.com_ids = CustomerIds("UV", 2)
        self.wat_ids = CustomerIds("WXYZ", 2)
        self.emails = 0

    # customers
    def person(self, ids: CustomerIds, rng: random.Random) -> str:
        female = rng.random() < 0.52
        first = rng.choice(data.FEMALE_FIRST if female else data.MALE_FIRST)
        last = rng.choice(data.SURNAMES)
        if female:
            last = feminine(last)
        return self.customer(ids, f"{first} {last}", rng, None)

    def business(self, ids: CustomerIds, rng: random.Random) -> str:
        first = rng.choice(data.FEMALE_FIRST + data.MALE_FIRST)
        last = rng.choice(data.SURNAMES)
        if first in data.FEMALE_FIRST:
            last = feminine(last)
        name = rng.choice(data.BUSINESS_PATTERNS).format(first=first, last=last)
        return self.customer(ids, name, rng, make_nip(rng))

    def customer(self, ids: CustomerIds, name: str, rng: random.Random, nip: str | None) -> str:
        cid = ids.next()
        email = ""
        if rng.random() < 0.75:
            words = ascii_fold(name).lower().replace("„", "").replace("”", "").split()
            local = ".".join(w for w in words[-2:] if w.isalnum())
            email = f"{local}.{cid.lower()}@example.pl"
        phone = f"+48 {rng.randrange(500, 900)} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"
        consent = bool(email) and rng.random() < 0.7
        self.customers[cid] = Customer(cid, name, email, phone if rng.random() < 0.8 else "", consent, nip)
        return cid

    # premises
    def add(self, **kw: object) -> Premises:
        p = Premises(**kw)  # type: ignore[arg-type]
        self.premises.append(p)
        return p

    def flat_params(self, rng: random.Random) -> tuple[int, int]:
        rooms = rng.choices((1, 2, 3, 4), weights=(15, 40, 35, 10))[0]
        low, high = {1: (2400, 3800), 2: (3600, 5400), 3: (4800, 6800), 4: (6200, 9500)}[rooms]
        area = rng.randrange(low, high)
        persons = 0 if rng.random() < 0.05 else max(1, min(6, rooms + rng.choice((-1, 0, 0, 1))))
        return area, persons

    def payer(self, rng: random.Random, kind: str) -> str:
        return weighted(rng, PAYERS[kind])

    def history(self, p: Premises, rng: random.Random) -> None:
        """Give some flats a different number of persons earlier in the window."""
        if p.persons and rng.random() < 0.12:
            p.persons_before = max(0, p.persons + rng.choice((-1, 1, 1)))
            p.persons_change = rng.randrange(self.w0 + 1, self.A + 1)

    def build(self) -> Plan:
        n_house = max(1, self.n // 10)
        n_comm = max(4, self.n // 10)
        n_coop = self.n - n_house - n_comm
        self.personas()
        self.coop(n_coop)
        self.community_buildings(n_comm)
        routes = self.houses(n_house)
        self.premises.sort(key=lambda p: p.premises_id)
        return Plan(self.customers, self.communities, self.premises, self.buildings, routes)

    def personas(self) -> None:
        for cid, (name, email, phone, nip) in PERSONA_CUSTOMERS.items():
            self.customers[cid] = Customer(cid, name, email, phone, True, nip)

    def coop(self, total: int) -> None:
        rng = self.rng
        k = 0
        while total > 0:
            k += 1
            bid = f"B{k:04d}"
            s = (k - 1) % len(data.COOP_STREETS)
            street, postcode = data.COOP_STREETS[s]
            number = str(7 + (s * 5) % 13 + 2 * ((k - 1) // len(data.COOP_STREETS)))
            self.buildings[bid] = f"{street} {number}, {postcode} {data.COOP_CITY}"
            flats, shops, garages = self.coop_sizes(k, total)
            total -= flats + shops + garages
            mode = "resident" if k == 1 else rng.choice(("radio", "radio", "radio", "resident", "resident"))
            # Meters of a building are replaced together when their legalisation runs out.
            phases = {"cold_water": (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25)),
                      "hot_water": (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25))}  # fmt: skip
            if k == 1:  # Anna's building: cold meters replaced ~8 months ago, hot expiring soon
                phases = {"cold_water": (8, 12), "hot_water": (-1, 20)}
            elif k == 2:  # a building whose cold meters' legalisation ends within 3 months
                phases["cold_water"] = (-1, 15)
            base = dict(building_id=bid, street=street, building_no=number, postcode=postcode,
                        city=data.COOP_CITY, community_id="")  # fmt: skip
            residents = self.coop_flats(k, flats, base, mode, phases)
            self.coop_shops(k, shops, base, mode)
            self.coop_garages(k, garages, base, residents)

    def coop_sizes(self, k: int, total: int) -> tuple[int, int, int]:
        """Numbers of flats, shops and garages of cooperative building K (at most TOTAL premises)."""
        rng = self.rng
        flats = rng.randint(24, 60)
        shops = rng.randint(0, 3)
        garages = rng.choice((0, 0, 6, 10, 14))
        size = min(total, flats + shops + garages)
        if k == 1:  # Anna's building: her flat and garage and the persona shop always fit
            shops = max(1, min(shops, size // 5))
            garages = max(1, min(garages, size // 4))
            flats = size - shops - garages
        else:
            flats = min(flats, size)
            shops = min(shops, size - flats)
            garages = size - flats - shops
        return flats, shops, garages

    def coop_flats(self, k: int, flats: int, base: dict, mode: str, phases: dict) -> list[str]:
        """Add the flats of cooperative building K; return their customers (who may also rent a garage)."""
        rng = self.rng
        bid = base["building_id"]
        residents: list[str] = []
        for u in range(1, flats + 1):
            pid = f"{bid}/M{u:03d}"
            persona = pid == ANNA_FLAT
            prng = random.Random(f"persona:{pid}") if persona else rng
            area, persons = (5230, 3) if persona else self.flat_params(prng)
            cid = "L0001" if persona else self.person(self.res_ids, rng)
            residents.append(cid)
            storage = rng.randrange(200, 650) if rng.random() < 0.6 else None
            tenure = "coop_right" if persona or rng.random() < 0.8 else "ownership"
            p = self.add(premises_id=pid, customer_id=cid, unit_no=str(u), kind="residential",
                         tenure=tenure, area=area, persons=persons, storage=420 if persona else storage,
                         account16=f"71{k:07d}1{u:06d}", scheme="coop_flat", reading_mode=mode,
                         phases=dict(phases), persona=persona, **base)  # fmt: skip
            if not persona:
                p.payer = self.payer(rng, "flat")
                p.usage = rng.uniform(0.75, 1.25) if rng.random() < 0.9 else rng.uniform(1.25, 1.6)
                self.history(p, rng)
            else:
                p.usage = 1.12
        return residents

    def coop_shops(self, k: int, shops: int, base: dict, mode: str) -> None:
        """Add the commercial premises of cooperative building K."""
        rng = self.rng
        bid = base["building_id"]
        for u in range(1, shops + 1):
            pid = f"{bid}/U{u:03d}"
            persona = pid == BLAZEJ_SHOP
            cid = "U0001" if persona else self.business(self.com_ids, rng)
            area = 6450 if persona else rng.randrange(2500, 18000)
            p = self.add(premises_id=pid, customer_id=cid, unit_no=f"U{u}", kind="commercial",
                         tenure="municipal_rent", area=area, persons=0, storage=None,
                         account16=f"71{k:07d}2{u:06d}", scheme="coop_commercial", reading_mode=mode,
                         declared=40000 if persona else rng.randrange(2, 12) * 10000,
                         containers=1 if persona else rng.randint(1, 3), persona=persona, **base)  # fmt: skip
            p.phases = {
                "cold_water": (30, 9) if persona else (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25))
            }
            if not persona:
                p.payer = self.payer(rng, "commercial")
                p.usage = rng.uniform(0.7, 1.3)

    def coop_garages(self, k: int, garages: int, base: dict, residents: list[str]) -> None:
        """Add the garages of cooperative building K, most rented by its residents."""
        rng = self.rng
        bid = base["building_id"]
        for u in range(1, garages + 1):
            pid = f"{bid}/G{u:03d}"
            persona = pid == ANNA_GARAGE
            if persona:
                cid = "L0001"
            elif residents and rng.random() < 0.6:
                cid = rng.choice(residents)
            else:
                cid = self.person(self.res_ids, rng)
            p = self.add(premises_id=pid, customer_id=cid, unit_no=f"G{u}", kind="garage",
                         tenure="coop_right" if persona or rng.random() < 0.7 else "ownership",
                         area=1850 if persona else rng.randrange(1400, 2200), persons=0, storage=None,
                         account16=f"71{k:07d}3{u:06d}", scheme="garage", persona=persona, **base)  # fmt: skip
            p.payer = "standing" if persona else self.payer(rng, "flat")

    def community_buildings(self, total: int) -> None:
        rng = self.rng
        k = 0
        while total > 0:
            k += 1
            cid_comm = f"WM{k:03d}"
            s = (k - 1) % len(data.COMMUNITY_STREETS)
            street, postcode = data.COMMUNITY_STREETS[s]
            number = str(12 + s * 3 + 2 * ((k - 1) // len(data.COMMUNITY_STREETS)))
            name = f"Wspólnota Mieszkaniowa {street.removeprefix('ul. ')} {number}"
            nrng = random.Random(f"persona:{cid_comm}") if k == 1 else rng
            self.communities.append((cid_comm, name, make_nip(nrng)))
            self.buildings[cid_comm] = f"{street} {number}, {postcode} {data.COOP_CITY}"
            size = rng.randint(12, 36)
            if total - size < 4:
                size = total
            size = min(size, total)
            total -= size
            mode = rng.choice(("radio", "resident"))
            phases = {"cold_water": (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25)),
                      "hot_water": (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25))}  # fmt: skip
            if k == 1:
                mode, phases = "radio", {"cold_water": (24, 6), "hot_water": (40, 6)}
            members: list[Premises] = []
            for u in range(1, size + 1):
                pid = f"{cid_comm}/M{u:03d}"
                persona = pid == MARIA_FLAT
                area, persons = (6140, 2) if persona else self.flat_params(rng)
                owner = "L0002" if persona else self.person(self.res_ids, rng)
                p = self.add(premises_id=pid, customer_id=owner, building_id=cid_comm, street=street,
                             building_no=number, unit_no=str(u), postcode=postcode, city=data.COOP_CITY,
                             kind="residential", tenure="ownership", area=area, persons=persons,
                             storage=350 if persona else (rng.randrange(200, 650) if rng.random() < 0.5 else None),
                             community_id=cid_comm, account16=f"72{k:07d}1{u:06d}", scheme="community_flat",
                             reading_mode=mode, phases=dict(phases), persona=persona)  # fmt: skip
                if not persona:
                    p.payer = self.payer(rng, "flat")
                    p.usage = rng.uniform(0.75, 1.3)
                    self.history(p, rng)
                else:
                    p.usage = 0.92
                members.append(p)
            assign_shares(members)

    def houses(self, total: int) -> list[tuple[str, int]]:
        rng = self.rng
        combos = [(t, s) for t in data.HOUSE_TOWNS for s in data.HOUSE_STREETS]
        routes: dict[str, int] = {}
        for k in range(1, total + 1):
            pid = f"D{k:05d}"
            c = (k - 1) % len(combos)
            (town, postcode), street = combos[c]
            number = str(2 + (c * 7) % 11 + 2 * ((k - 1) // len(combos)))
            route = f"R{c // 4 + 1:02d}"
            routes.setdefault(route, (c // 4) % 5)
            persona = pid == JAN_HOUSE
            business, cid = self.house_owner(persona)
            persons = 4 if persona else (0 if business else rng.randint(1, 6))
            self.buildings[pid] = f"{street} {number}, {postcode} {town}"
            p = self.add(premises_id=pid, customer_id=cid, building_id=pid, street=street, building_no=number,
                         unit_no="", postcode=postcode, city=town,
                         kind="commercial" if business else "residential", tenure="ownership",
                         area=14200 if persona else rng.randrange(9000, 26000), persons=persons, storage=None,
                         community_id="", account16=f"73{k:07d}4{0:06d}",
                         scheme="house_business" if business else "house",
                         reading_mode="collector" if rng.random() < 0.6 else "resident", route_id=route,
                         persona=persona)  # fmt: skip
            p.declared = (persons * 30000) if not business else rng.randrange(4, 12) * 10000
            p.containers = rng.randint(2, 3) if business else 0
            p.phases = {
                "cold_water": (22, 14) if persona else (rng.randrange(WINDOW_MONTHS), rng.randint(3, 25))
            }
            if persona:
                p.usage, p.payer = 1.1, "punctual"
            else:
                p.payer = self.payer(rng, "house")
                p.usage = rng.uniform(0.7, 1.35)
        return sorted(routes.items())

    def house_owner(self, persona: bool) -> tuple[bool, str]:
        """Whether a house is a business, and its owner (a new water utility customer unless Jan's)."""
        business = not persona and self.rng.random() < 0.1
        if persona:
            return business, "W0001"
        if business:
            return business, self.business(self.wat_ids, self.rng)
        return business, self.person(self.wat_ids, self.rng)


def assign_shares(members: list[Premises]) -> None:
    """Give each premises of a community a share proportional to area + storage, summing to exactly 1."""
    weights = [p.area + (p.storage or 0) for p in members]
    total = sum(weights)
    raw = [w * 10000 / total for w in weights]
    shares = [int(r) for r in raw]
    rest = 10000 - sum(shares)
    # Largest remainders get the leftover ten-thousandths (Hamilton's method).
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] - shares[i]), i))[:rest]:
        shares[i] += 1
    for p, s in zip(members, shares, strict=True):
        p.share = s


# --- simulation of one premises --------------------------------------------------------------


@dataclass
class Meter:
    meter_id: str
    medium: str
    serial: str
    installed: dt.date
    removed: dt.date | None
    legal: dt.date
    initial: int  # m3 x10000
    readings: list[tuple[int, int, int, str]] = field(default_factory=list)  # month, day, value, source


class Account:
    """Open items of a premises, paid first-in first-out by due date; tracks interest."""

    def __init__(self) -> None:
        self.open: list[list] = []  # [due, seq, remaining, interest_from]
        self.credit = 0
        self.seq = 0

    def debit(self, amount: int, due: dt.date) -> None:
        use = min(self.credit, amount)
        self.credit -= use
        amount -= use
        if amount > 0:
            self.seq += 1
            bisect.insort(self.open, [due, self.seq, amount, due])

    def pay(self, amount: int, day: dt.date, charge_interest: bool = True) -> int:
        """Apply a credit of AMOUNT grosze on DAY; return the interest for late parts (grosze)."""
        interest = 0.0
        rate = interest_rate(day.year)
        while amount > 0 and self.open:
            item = self.open[0]
            use = min(amount, item[2])
            late = (day - item[3]).days
            if charge_interest and (day - item[0]).days > GRACE_DAYS and late > 0:
                interest += use * rate * late / 36500
            item[2] -= use
            amount -= use
            if item[2] == 0:
                self.open.pop(0)
        self.credit += amount
        return int(interest + 0.5)

    def accrue(self, day: dt.date) -> int:
        """Interest on everything overdue up to DAY (year-end note for chronic debtors)."""
        interest = 0.0
        rate = interest_rate(day.year)
        for item in self.open:
            if (day - item[0]).days > GRACE_DAYS:
                interest += item[2] * rate * max(0, (day - item[3]).days) / 36500
                item[3] = day
        return int(interest + 0.5)

    def outstanding(self) -> int:
        return sum(item[2] for item in self.open) - self.credit


class Context:
    """Global counters, month tables and string caches shared by the per-premises simulation."""

    def __init__(self, seed: int, as_of: dt.date, nums: Numbers, delimiter: str) -> None:
        self.seed = seed
        self.as_of = as_of
        self.A = month_index(as_of)
        self.w0 = self.A - WINDOW_MONTHS + 1
        self.months = range(self.w0, self.A + 1)
        self.nums = nums
        self.delim = delimiter
        self.entry = 0
        self.meter = 0
        self.reading = 0
        self.settlement = 0
        self.doc_counters = {"general": 0, "persona": 100, "sample": 1000}
        self.invoice_no: dict[tuple[str, int], int] = {}
        self.settlement_no: dict[int, int] = {}
        self.periods = {mi: f"{mi // 12:04d}-{mi % 12 + 1:02d}" for mi in range(self.w0, self.A + 1)}
        self.dates: dict[dt.date, str] = {}
        self.quoted: dict[str, str] = {}
        self.tails: dict[str, str] = {}
        self.monthly_cache: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
        self.documents: list[tuple[str, ...]] = []
        self.pdf_jobs: list[Callable[[], None]] = []
        # Month tables (meters reach back up to five years before the window): days in month,
        # the ordinal of the 1st and ISO strings of every day, indexed by month index.
        self.lo = self.w0 - WINDOW_MONTHS - 2
        self.dim: dict[int, int] = {}
        self.ord1: dict[int, int] = {}
        self.dstr: dict[int, list[str]] = {}
        for mi in range(self.lo, self.A + 3):
            year, month = divmod(mi, 12)
            first = dt.date(year, month + 1, 1)
            self.dim[mi] = dim = calendar.monthrange(year, month + 1)[1]
            self.ord1[mi] = first.toordinal()
            self.dstr[mi] = [""] + [f"{year:04d}-{month + 1:02d}-{d:02d}" for d in range(1, dim + 1)]
        self.as_of_key = self.A * 32 + as_of.day

    def d(self, day: dt.date | None) -> str:
        if day is None:
            return ""
        s = self.dates.get(day)
        if s is None:
            s = self.dates[day] = day.isoformat()
        return s

    def q(self, text: str) -> str:
        """Return TEXT quoted for the CSV dialect (cached: descriptions repeat a lot)."""
        s = self.quoted.get(text)
        if s is None:
            s = self.quoted[text] = quote(text, self.delim)
        return s

    def tail(self, code: str) -> str:
        """Return 'component;component_name;basis' of a charge component, encoded."""
        s = self.tails.get(code)
        if s is None:
            name, basis = data.COMPONENTS[code]
            s = self.tails[code] = self.delim.join((self.q(code), self.q(name), basis))
        return s

    def monthly_rows(self, what: str) -> list[tuple[dt.date, dt.date, str]]:
        """(entry date, due date, description) of the monthly charge or invoice, for every month."""
        rows = self.monthly_cache.get(what)
        if rows is None:
            rows = []
            for mi in self.months:
                label = month_label(mi)
                desc, due = {
                    "FV": (f"Najem lokalu użytkowego – {label}", 10),
                    "FW": (f"Woda, ścieki i odpady – {label}", 15),
                    "garage": (f"Opłata za garaż za {label}", 10),
                    "charge": (f"Opłaty za lokal za {label}", 10),
                }[what]
                rows.append((month_day(mi, 1), month_day(mi, due), desc))
            self.monthly_cache[what] = rows
        return rows

    def doc_id(self, group: str) -> str:
        self.doc_counters[group] += 1
        return f"DOK{self.doc_counters[group]:06d}"

    def settled_years(self) -> list[int]:
        """Calendar years fully inside the window whose settlement is already issued (in February)."""
        years = []
        for year in range(self.w0 // 12, self.A // 12):
            if year * 12 >= self.w0 and year * 12 + 11 <= self.A and dt.date(year + 1, 3, 1) <= self.as_of:
                years.append(year)
        return years


def yearly_use(meters: list[Meter]) -> dict[tuple[str, int], int]:
    """Use (m3 x10000) per (medium, year): the increase of each meter's readings, from its initial value."""
    use: dict[tuple[str, int], int] = {}
    for m in meters:
        prev = m.initial
        for mi, _, value, _ in m.readings:
            key = (m.medium, mi // 12)
            use[key] = use.get(key, 0) + value - prev
            prev = value
    return use


def quantity(p: Premises, code: str, persons: int) -> int:
    """Return the quantity (x10000) of component CODE for premises P."""
    basis = data.COMPONENTS[code][1]
    if basis == "m2":
        return p.area * 100
    if basis == "person":
        return persons * 10000
    if basis == "m3":
        return p.declared
    if basis == "piece":
        return p.containers * 10000
    return 10000  # flat fee


@dataclass(frozen=True)
class DocContext:
    """What every PDF of one premises shares: its counter group, issuer, addressee, bank account and label."""

    group: str
    issuer: pdfs.Party
    addressee: pdfs.Party
    account: str
    label: str


class Simulation:
    """Generate every row of one premises and write them to the open files."""

    def __init__(self, ctx: Context, writers: dict[str, TableWriter], plan: Plan, pdf_dir: Path,
                 pdf_premises: dict[str, str]) -> None:  # fmt: skip
        self.ctx = ctx
        self.w = writers
        self.plan = plan
        self.pdf_dir = pdf_dir
        self.pdf_premises = pdf_premises  # premises_id -> "persona" | "sample"

    def run(self, p: Premises) -> None:
        ctx = self.ctx
        rng = random.Random(f"persona:{p.premises_id}" if p.persona else f"{ctx.seed}:{p.premises_id}")
        group = self.pdf_premises.get(p.premises_id)
        lines, totals, medium_adv = self.charges(p, group is not None)
        meters = self.meters(p, rng)
        debits: list[tuple[dt.date, str, dt.date | None, str, str, int]] = []
        self.monthly(p, totals, debits)
        settlements = self.settlements(p, rng, meters, medium_adv, debits, group)
        self.corrections(p, rng, debits)
        entries = self.payments(p, rng, totals, debits)
        self.write_ledger(p, entries)
        if group:
            self.documents(p, group, lines, totals, settlements, meters, debits)

    # charges
    def charges(self, p: Premises, keep: bool) -> tuple[dict, dict[int, int], dict[tuple[str, int], int]]:
        """Write the components of every month; return kept lines, monthly totals and water advances."""
        ctx, n, D = self.ctx, self.ctx.nums, self.ctx.delim
        codes = SCHEMES[p.scheme]
        commercial = p.scheme == "coop_commercial"
        totals: dict[int, int] = {}
        adv: dict[tuple[str, int], int] = {}  # (medium, year) -> advances in grosze
        lines: dict[int, list[tuple[str, int, int, int]]] = {}
        out: list[str] = []
        # Components change only with the year's rates and the number of persons.
        cache: dict[tuple[int, int], tuple] = {}
        head = p.premises_id + D
        for mi in ctx.months:
            year = mi // 12
            persons = p.persons_at(mi)
            c = cache.get((year, persons))
            if c is None:
                month_rows = []
                total = cold = hot = 0
                for code in codes:
                    q = quantity(p, code, persons)
                    if q == 0:
                        continue
                    r = rate_cents(code, year)
                    amount = (q * r + 5000) // 10000
                    total += amount
                    month_rows.append((code, q, r * 100, amount))
                    if code in ("cold_water", "water_m3"):
                        cold += amount
                    elif code == "hot_water":
                        hot += amount
                if commercial:
                    vat = (total * 23 + 50) // 100
                    month_rows.append(("vat", 10000, vat * 100, vat))
                    month_rows.sort()
                    total += vat
                tails = [
                    f"{D}{ctx.tail(code)}{D}{n.dec4(q)}{D}{n.dec4(r4)}{D}{n.money(amount)}\n"
                    for code, q, r4, amount in month_rows
                ]
                c = cache[(year, persons)] = (month_rows, total, cold, hot, tails)
            month_rows, total, cold, hot, tails = c
            totals[mi] = total
            if cold:
                adv[("cold_water", year)] = adv.get(("cold_water", year), 0) + cold
            if hot:
                adv[("hot_water", year)] = adv.get(("hot_water", year), 0) + hot
            if keep:
                lines[mi] = month_rows
            prefix = head + ctx.periods[mi]
            out += [prefix + t for t in tails]
        self.w["charges"].write_lines(out)
        return lines, totals, adv

    def monthly(self, p: Premises, totals: dict[int, int], debits: list) -> None:
        """Add the monthly charge (or invoice, with its number) of every month to DEBITS."""
        ctx = self.ctx
        if p.scheme == "coop_commercial" or p.scheme.startswith("house"):
            prefix = "FV" if p.scheme == "coop_commercial" else "FW"
            for mi, (start, due, desc) in zip(ctx.months, ctx.monthly_rows(prefix), strict=True):
                key = (prefix, mi)
                ctx.invoice_no[key] = number = ctx.invoice_no.get(key, 0) + 1
                doc = f"{prefix}/{mi // 12}/{mi % 12 + 1:02d}/{number:04d}"
                debits.append((start, "invoice", due, doc, desc, totals[mi]))
        else:
            what = "garage" if p.scheme == "garage" else "charge"
            for mi, (start, due, desc) in zip(ctx.months, ctx.monthly_rows(what), strict=True):
                debits.append((start, "charge", due, "", desc, totals[mi]))

    # meters and readings
    def meters(self, p: Premises, rng: random.Random) -> list[Meter]:
        """Write the meter chains (a meter replaced when its legalisation ends) and their readings."""
        ctx = self.ctx
        rand = rng.random
        dim = ctx.dim
        out: list[Meter] = []
        for medium in METER_MEDIA[p.scheme]:
            phase, day = p.phases[medium]
            start = ctx.w0 - phase
            # Expected monthly use (m3 x10000, litre precision) and the actual, noisy use.
            expected = self.expected_use(p, medium, start)
            actual = [int(e * (0.85 + 0.3 * rand())) // 10 * 10 for e in expected]
            cum = [0]
            for x in actual:
                cum.append(cum[-1] + x)

            def true_at(
                mi: int, d: int, cum: list[int] = cum, actual: list[int] = actual, start: int = start
            ) -> int:
                i = mi - start
                return cum[i] + actual[i] * d // dim[mi] // 10 * 10

            chain = self.meter_chain(p, medium, month_day(start, day), rand)
            for m in chain:
                self.read_meter(m, p.reading_mode, true_at, expected, start, rand)
            out.extend(chain)
        self.write_meters(p, out)
        return out

    def meter_chain(
        self, p: Premises, medium: str, install: dt.date, rand: Callable[[], float]
    ) -> list[Meter]:
        """The meters of one medium from INSTALL on, each replaced in the month its legalisation ends."""
        ctx = self.ctx
        chain: list[Meter] = []
        initial = int(rand() * 60) * 10
        while True:
            legal = add_years(install, LEGALISATION_YEARS)
            repl = month_day(month_index(legal) - 1, 18 if p.persona else 5 + int(rand() * 21))
            ctx.meter += 1
            prefix = "ZW" if medium == "cold_water" else "CW"
            serial = f"{prefix}{install.year % 100:02d}{int(rand() * 1e6):06d}"
            removed = repl if repl < ctx.as_of else None
            chain.append(Meter(f"M{ctx.meter:07d}", medium, serial, install, removed, legal, initial))
            if removed is None:
                return chain
            install, initial = repl, int(rand() * 25) * 10

    def read_meter(self, m: Meter, mode: str, true_at: Callable[[int, int], int], expected: list[int], start: int,
                   rand: Callable[[], float]) -> None:  # fmt: skip
        """Add M's monthly readings (by MODE: radio, collector or resident) and its reading at removal."""
        ctx = self.ctx
        dim = ctx.dim
        as_of_key = ctx.as_of_key
        imi, iday = month_index(m.installed), m.installed.day
        base = true_at(imi, iday)
        prev = m.initial
        ikey = imi * 32 + iday
        if m.removed:
            rmi, rday = month_index(m.removed), m.removed.day
            end_key = rmi * 32 + rday
        else:
            rmi, end_key = ctx.A, as_of_key
        readings = m.readings
        for mi in range(imi, rmi + 1):
            r = rand()
            if mode == "radio":
                d, source = dim[mi], ("estimate" if r < 0.02 else "radio")
            elif mode == "collector":
                d, source = 10 + int(rand() * 11), ("estimate" if r < 0.05 else "collector")
            elif mi % 12 == 11:  # a collector checks resident-read meters every December
                d, source = 30, "collector"
            elif r < 0.08:
                d, source = dim[mi], "estimate"
            else:
                d, source = 20 + int(rand() * 9), "resident"
            key = mi * 32 + d
            if key <= ikey or key >= end_key or key >= as_of_key:
                continue
            value = m.initial + true_at(mi, d) - base
            if source == "estimate":
                value = min(value, prev + expected[mi - start] * 9 // 100 * 10)
            readings.append((mi, d, value, source))
            prev = value
        if m.removed:
            readings.append((rmi, rday, m.initial + true_at(rmi, rday) - base, "collector"))

    def write_meters(self, p: Premises, meters: list[Meter]) -> None:
        """Write the meters of P and all their readings."""
        ctx, n, D = self.ctx, self.ctx.nums, self.ctx.delim
        pt = n.point
        dstr = ctx.dstr
        pid = p.premises_id
        meter_rows = []
        reading_lines = []
        for m in meters:
            meter_rows.append((m.meter_id, pid, m.medium, m.serial, "m3", ctx.d(m.installed), ctx.d(m.removed),
                               ctx.d(m.legal), n.dec4(m.initial)))  # fmt: skip
            mid = D + m.meter_id + D
            for mi, d, value, source in m.readings:
                ctx.reading += 1
                # Readings have litre precision: always three decimals.
                reading_lines.append(
                    f"O{ctx.reading:09d}{mid}{dstr[mi][d]}{D}{value // 10000}{pt}{value % 10000 // 10:03d}{D}{source}{D}\n"
                )
        self.w["meters"].write_many(meter_rows)
        self.w["readings"].write_lines(reading_lines)

    def expected_use(self, p: Premises, medium: str, start: int) -> list[int]:
        """Expected use (m3 x10000) per month from START to as_of."""
        months = range(start, self.ctx.A + 1)
        usage = p.usage * 1000
        if p.scheme in ("coop_flat", "community_flat"):
            per = PER_PERSON[medium]
            empty = 0.15 if medium == "cold_water" else 0.05
            return [int((p.persons_at(mi) * per or empty) * SEASON[mi % 12] * usage) * 10 for mi in months]
        if p.scheme == "house":
            return [int(p.persons * 3.1 * GARDEN[mi % 12] * usage) * 10 for mi in months]
        declared = p.declared / 10000  # commercial: declared monthly use
        return [int(declared * SEASON[mi % 12] * usage) * 10 for mi in months]

    # settlements
    def settlements(self, p: Premises, rng: random.Random, meters: list[Meter], adv: dict, debits: list,
                    group: str | None) -> list[dict]:  # fmt: skip
        ctx, n = self.ctx, self.ctx.nums
        if not meters:
            return []
        use = yearly_use(meters)
        media = sorted({m.medium for m in meters})
        years = ctx.settled_years()
        out = []
        rows = []
        for year in years:
            issued = dt.date(year + 1, 2, 20 if p.persona else rng.randint(10, 25))
            ctx.settlement_no[year + 1] = seq = ctx.settlement_no.get(year + 1, 0) + 1
            doc_no = f"RW/{year + 1}/{seq:06d}"
            doc_id = ""
            if group and (year == years[-1] or (p.persona and year == years[-2 if len(years) > 1 else -1])):
                doc_id = ctx.doc_id(group)
            detail = []
            for medium in media:
                consumption = use.get((medium, year), 0)
                if p.scheme.startswith("house"):
                    price = rate_cents("water_m3", year)
                else:
                    price = water_price_cents(medium, year)
                cost = (consumption * price + 5000) // 10000
                advances = adv.get((medium, year), 0)
                ctx.settlement += 1
                rows.append((f"RZ{ctx.settlement:08d}", p.premises_id, medium, f"{year}-01-01", f"{year}-12-31",
                             n.money(advances), n.dec4(consumption), "m3", n.money(cost), doc_id))  # fmt: skip
                result = cost - advances
                if result:
                    what = {"cold_water": "zimnej wody i ścieków", "hot_water": "podgrzania wody"}[medium]
                    desc = f"Rozliczenie {what} za {year} r. – {'niedopłata' if result > 0 else 'nadpłata'}"
                    due = issued + dt.timedelta(days=30) if result > 0 else None
                    debits.append((issued, "settlement", due, doc_no, desc, result))
                detail.append((medium, consumption, price, advances, cost))
            out.append({"year": year, "issued": issued, "doc_no": doc_no, "doc_id": doc_id, "detail": detail})
        self.w["settlements"].write_many(rows)
        return out

    def corrections(self, p: Premises, rng: random.Random, debits: list) -> None:
        if p.persona:
            if p.premises_id == MARIA_FLAT:
                day = month_day(self.ctx.A - 10, 14)
                debits.append((day, "correction", None, "", CORRECTIONS_DOWN[0], -4815))
            return
        r = rng.random()
        count = 2 if r < 0.03 else (1 if r < 0.15 else 0)
        for _ in range(count):
            day = month_day(rng.randrange(self.ctx.w0, self.ctx.A + 1), rng.randint(2, 28))
            if day >= self.ctx.as_of:
                continue
            amount = rng.randrange(1500, 25000)
            if rng.random() < 0.6:
                debits.append((day, "correction", None, "", rng.choice(CORRECTIONS_DOWN), -amount))
            else:
                due = day + dt.timedelta(days=14)
                debits.append((day, "correction", due, "", rng.choice(CORRECTIONS_UP), amount))

    # payments
    def plan_payments(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Return (date, rule, argument) payment intentions; amounts are decided when they happen."""
        ctx = self.ctx
        plan = self.PERSONA_PLANS.get(p.premises_id) or self.PAYER_PLANS.get(p.payer)
        plans = plan(self, p, rng, totals) if plan else []
        return [x for x in plans if x[0] < ctx.as_of]

    def pay_day(self, mi: int, day: int) -> dt.date:
        """Day DAY of month MI (may run into the next month), moved to Monday if it is a weekend."""
        o = self.ctx.ord1[mi] + day - 1
        wd = (o - 1) % 7  # date.fromordinal(1) is a Monday
        return dt.date.fromordinal(o + 7 - wd if wd >= 5 else o)  # transfers are booked on business days

    def plan_anna_flat(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Anna pays her flat in full each month, three times late; the current month is not paid yet."""
        ctx, at = self.ctx, self.pay_day
        plans: list[tuple] = []
        for mi in ctx.months:
            if mi == ctx.A:
                continue
            late = mi in (ctx.A - 14, ctx.A - 8, ctx.A - 3)
            plans.append((at(mi, rng.randint(25, 40) if late else rng.randint(3, 9)), "clear", 0))
        return plans

    def plan_blazej_shop(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Błażej pays each invoice, once late, and has not paid the last two months."""
        ctx, at = self.ctx, self.pay_day
        plans: list[tuple] = []
        for mi in ctx.months:
            if mi >= ctx.A - 1:
                continue
            plans.append((at(mi, 30 if mi == ctx.A - 6 else rng.randint(4, 9)), "clear", 0))
        return plans

    def plan_anna_garage(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Anna's garage: a standing order of 60 zł on the 5th."""
        return [(self.pay_day(mi, 5), "fixed", 6000) for mi in self.ctx.months]

    def plan_punctual(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Pays what is due in the first ten days, rarely late (personas never)."""
        at = self.pay_day
        plans: list[tuple] = []
        for mi in self.ctx.months:
            late = not p.persona and rng.random() < 0.03
            plans.append((at(mi, rng.randint(15, 35) if late else rng.randint(1, 10)), "clear", 0))
        return plans

    def plan_late(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Pays what is due, days to weeks after the due date."""
        return [(self.pay_day(mi, 10 + rng.randint(5, 40)), "clear", 0) for mi in self.ctx.months]

    def plan_standing(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """A standing order rounded up to whole 10 zł, sometimes raised in January."""
        at = self.pay_day
        plans: list[tuple] = []
        standing = 0
        for mi in self.ctx.months:
            if not standing or (mi % 12 == 0 and rng.random() < 0.7):
                standing = -(-totals[mi] * int(rng.uniform(100, 112)) // 100 // 1000) * 1000
            plans.append((at(mi, 5), "fixed", standing))
        return plans

    def plan_arrears(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Pays some months, now and then a lump sum; interest is noted at each year's end."""
        at = self.pay_day
        plans: list[tuple] = []
        for mi in self.ctx.months:
            if rng.random() < 0.55:
                plans.append((at(mi, rng.randint(5, 45)), "fixed", totals[mi]))
            if rng.random() < 0.08:
                plans.append((at(mi, rng.randint(1, 28)), "lump", rng.uniform(0.4, 1.0)))
            if mi % 12 == 11:
                plans.append((month_end(mi), "accrue", 0))
        return plans

    def plan_quarterly(self, p: Premises, rng: random.Random, totals: dict[int, int]) -> list[tuple]:
        """Pays at the start of each quarter: what is due and two months ahead."""
        at = self.pay_day
        return [
            (at(mi, rng.randint(1, 10)), "prepay", 2 * totals[mi]) for mi in self.ctx.months if mi % 3 == 0
        ]

    PERSONA_PLANS: dict[str, Callable[..., list[tuple]]] = {
        ANNA_FLAT: plan_anna_flat,
        BLAZEJ_SHOP: plan_blazej_shop,
        ANNA_GARAGE: plan_anna_garage,
    }
    PAYER_PLANS: dict[str, Callable[..., list[tuple]]] = {
        "punctual": plan_punctual,
        "late": plan_late,
        "standing": plan_standing,
        "arrears": plan_arrears,
        "quarterly": plan_quarterly,
    }

    def payments(self, p: Premises, rng: random.Random, totals: dict[int, int], debits: list) -> list[tuple]:
        events: list[tuple] = [(d[0], 0, i) for i, d in enumerate(debits)]
        plans = self.plan_payments(p, rng, totals)
        events += [(x[0], 1, i) for i, x in enumerate(plans)]
        events.sort()
        acct = Account()
        entries: list[tuple] = []
        for day, what, i in events:
            if what == 0:
                entry = debits[i]
                entries.append(entry)
                if entry[5] > 0:
                    acct.debit(entry[5], entry[2] or entry[0])
                else:
                    acct.pay(-entry[5], day, charge_interest=False)
                continue
            _, rule, arg = plans[i]
            if rule == "accrue":
                interest = acct.accrue(day)
                amount = 0
            else:
                due_now = acct.outstanding()
                if rule == "clear":
                    amount = due_now
                elif rule == "fixed":
                    amount = arg
                elif rule == "lump":
                    amount = int(due_now * arg)
                else:  # prepay: clear what is due and pay two more months ahead
                    amount = due_now + arg
                if amount <= 0 or (amount < MIN_PAYMENT and rule != "fixed"):
                    continue  # nobody transfers a few groszy; it waits for the next payment
                interest = acct.pay(amount, day)
                entries.append((day, "payment", None, "", "Wpłata na rachunek indywidualny", -amount))
            if interest >= MIN_INTEREST:
                due = day + dt.timedelta(days=14)
                entries.append((day, "interest", due, "", "Odsetki za opóźnienie w zapłacie", interest))
                acct.debit(interest, due)
        return entries

    def write_ledger(self, p: Premises, entries: list[tuple]) -> None:
        ctx, n, D = self.ctx, self.ctx.nums, self.ctx.delim
        order = {"charge": 0, "invoice": 0, "settlement": 1, "correction": 2, "interest": 3, "payment": 4}
        entries.sort(key=lambda e: (e[0], order[e[1]]))
        lines = []
        head = D + p.premises_id + D
        # Document numbers (FV/2026/11/0001) never contain an allowed delimiter: written as they are.
        for day, kind, due, doc, desc, amount in entries:
            ctx.entry += 1
            lines.append(
                f"K{ctx.entry:09d}{head}{kind}{D}{ctx.d(day)}{D}{ctx.d(due)}{D}{doc}{D}{ctx.q(desc)}{D}"
                f"{n.money(amount)}{D}\n"  # payment_ref: the demo has no online payments booked
            )
        self.w["ledger"].write_lines(lines)

    # documents
    def documents(self, p: Premises, group: str, lines: dict, totals: dict, settlements: list,
                  meters: list[Meter], debits: list) -> None:  # fmt: skip
        """Queue the PDFs of P (invoices or the charges notice, water settlements, Anna's meter protocol)."""
        customer = self.plan.customers[p.customer_id]
        doc = DocContext(
            group=group,
            issuer=utility_party() if p.scheme.startswith("house") else coop_party(),
            addressee=pdfs.Party(customer.name, (p.label,)),
            account=fmt.nrb(nrb(p.account16)),
            label=f"Lokal {p.premises_id}, {p.label}",
        )
        if p.scheme in ("coop_commercial", "house", "house_business"):
            self.invoice_documents(p, doc, lines, debits)
        else:
            self.notice_document(p, doc, lines)
        self.settlement_documents(p, doc, settlements)
        if p.premises_id == ANNA_FLAT:
            self.meter_protocol(p, doc, meters)

    def invoice_documents(self, p: Premises, doc: DocContext, lines: dict, debits: list) -> None:
        """The last invoice of P (the last three for a persona)."""
        ctx = self.ctx
        customer = self.plan.customers[p.customer_id]
        house = p.scheme.startswith("house")
        invoices = [d for d in debits if d[1] == "invoice"][-3 if p.persona else -1 :]
        for day, _, due, doc_no, _, _ in invoices:
            mi = month_index(day)
            doc_id = ctx.doc_id(doc.group)
            buyer = pdfs.Party(customer.name, (p.label,) + ((f"NIP {customer.nip}",) if customer.nip else ()))
            items = [pdf_line(code, q, r4, amount) for code, q, r4, amount in lines[mi] if code != "vat"]
            job = _job(pdfs.invoice, self.pdf_dir / f"{doc_id}.pdf", seller=doc.issuer, buyer=buyer,
                       document_no=doc_no, issued_on=day, period_label=month_label(mi), due_date=due,
                       lines=items, vat_percent=0 if house else 23, bank_account=doc.account)  # fmt: skip
            self.add_document(doc_id, p.premises_id, "invoice", f"Faktura {doc_no}", day, doc_no, job)

    def notice_document(self, p: Premises, doc: DocContext, lines: dict) -> None:
        """The notice of the charges from the last January in the window (or the window's first month)."""
        ctx = self.ctx
        january = (
            max(mi for mi in ctx.months if mi % 12 == 0) if any(m % 12 == 0 for m in ctx.months) else ctx.w0
        )
        valid_from = month_day(january, 1)
        issued = valid_from - dt.timedelta(days=17)
        doc_id = ctx.doc_id(doc.group)
        items = [pdf_line(code, q, r4, amount) for code, q, r4, amount in lines[january]]
        job = _job(pdfs.notice, self.pdf_dir / f"{doc_id}.pdf", issuer=doc.issuer, addressee=doc.addressee,
                   premises_label=doc.label, valid_from=valid_from, issued_on=issued, lines=items,
                   bank_account=doc.account)  # fmt: skip
        title = f"Zawiadomienie o wysokości opłat od {valid_from.strftime('%d.%m.%Y')}"
        self.add_document(doc_id, p.premises_id, "notice", title, issued, "", job)

    def settlement_documents(self, p: Premises, doc: DocContext, settlements: list) -> None:
        """The water settlements that were given a document id."""
        for s in settlements:
            if not s["doc_id"]:
                continue
            rows = [("Zimna woda i ścieki" if medium == "cold_water" else "Podgrzanie wody",
                     f"{consumption / 10000:.3f} m³".replace(".", ","), pdfs.money(price), advances, cost)
                    for medium, consumption, price, advances, cost in s["detail"]]  # fmt: skip
            job = _job(pdfs.water_settlement, self.pdf_dir / f"{s['doc_id']}.pdf", issuer=doc.issuer,
                       addressee=doc.addressee, premises_label=doc.label, document_no=s["doc_no"], year=s["year"],
                       issued_on=s["issued"], rows=rows, bank_account=doc.account)  # fmt: skip
            self.add_document(s["doc_id"], p.premises_id, "water_settlement", f"Rozliczenie wody za {s['year']} r.",
                              s["issued"], s["doc_no"], job)  # fmt: skip

    def meter_protocol(self, p: Premises, doc: DocContext, meters: list[Meter]) -> None:
        """The protocol of the cold water meter replaced in the window (Anna's flat)."""
        old = next((m for m in meters if m.medium == "cold_water" and m.removed), None)
        new = next(
            (m for m in meters if old and m.medium == "cold_water" and m.installed == old.removed), None
        )
        if old and new:
            doc_id = self.ctx.doc_id(doc.group)
            job = _job(pdfs.meter_protocol, self.pdf_dir / f"{doc_id}.pdf", issuer=doc.issuer,
                       premises_label=doc.label, day=old.removed, old_serial=old.serial,
                       old_value=f"{old.readings[-1][2] / 10000:.3f}".replace(".", ","), new_serial=new.serial,
                       new_value=f"{new.initial / 10000:.3f}".replace(".", ","), legalisation_until=new.legal)  # fmt: skip
            self.add_document(doc_id, p.premises_id, "other", "Protokół wymiany wodomierza zimnej wody",
                              old.removed, "", job)  # fmt: skip

    def add_document(self, doc_id: str, pid: str, kind: str, title: str, issued: dt.date, doc_no: str,
                     job: Callable[[], None]) -> None:  # fmt: skip
        self.ctx.documents.append((doc_id, pid, kind, title, self.ctx.d(issued), f"{doc_id}.pdf", doc_no))
        self.ctx.pdf_jobs.append(job)


def _job(func: Callable[..., None], *args: object, **kwargs: object) -> Callable[[], None]:
    return lambda: func(*args, **kwargs)


def pdf_line(code: str, q: int, r4: int, amount: int) -> pdfs.Line:
    name, basis = data.COMPONENTS[code]
    unit = {"m2": "m²", "person": "os.", "piece": "szt.", "flat": "", "m3": "m³", "gj": "GJ"}[basis]
    qty = f"{q / 10000:.2f}".replace(".", ",") + (f" {unit}" if unit else "")
    rate = pdfs.money(r4 // 100)
    return pdfs.Line(name, qty, rate, amount)


def coop_party() -> pdfs.Party:
    c = data.COOPERATIVE
    return pdfs.Party(c["name"], (c["address"], f"NIP {c['nip']}, tel. {c['phone']}, {c['email']}"))


def utility_party() -> pdfs.Party:
    c = data.UTILITY
    return pdfs.Party(c["name"], (c["address"], f"NIP {c['nip']}, tel. {c['phone']}, {c['email']}"))


# --- waste, messages, resolutions -----------------------------------------------------------


def easter(year: int) -> dt.date:
    """Return Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[dt.date]:
    """Polish public holidays of YEAR (waste is not collected on them)."""
    e = easter(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= 2025:
        fixed.append((12, 24))
    days = {dt.date(year, m, d) for m, d in fixed}
    days |= {e, e + dt.timedelta(days=1), e + dt.timedelta(days=49), e + dt.timedelta(days=60)}
    return frozenset(days)


def collection_day(day: dt.date) -> dt.date:
    """Move a collection falling on a holiday to the next non-holiday day (Saturday allowed)."""
    while day in holidays(day.year) or day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


def waste_schedule(routes: list[tuple[str, int]], as_of: dt.date) -> list[tuple[str, str, dt.date]]:
    """Collection days per route and fraction from 6 months before to 6 months after AS_OF."""
    A = month_index(as_of)
    start, end = month_day(A - 6, 1), month_end(A + 6)
    out = []
    for route, weekday in routes:
        first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        week = 0
        day = first
        while day <= end:
            winter = day.month in (12, 1, 2, 3)
            fractions = []
            if week % 2 == 0:
                fractions += ["mixed", "metals_plastics"]
            if (week % 2 == 1 and not winter) or (week % 4 == 1 and winter):
                fractions.append("bio")
            if week % 4 == 3:
                fractions.append("paper")
            if week % 8 == 5:
                fractions.append("glass")
            when = collection_day(day)
            out += [(route, f, when) for f in fractions]
            day += dt.timedelta(days=7)
            week += 1
    out.sort(key=lambda r: (r[0], r[2], r[1]))
    return out


def messages(plan: Plan, as_of: dt.date) -> list[tuple[str, str, str, dt.date, str, str, dt.date | None]]:
    """Office messages: to all, to a building, to a community and to single customers."""
    A = month_index(as_of)
    jan = month_day(A - A % 12, 1)
    replaced = month_day(A - 8, 18)
    out = [
        ("all", "", jan - dt.timedelta(days=31), f"Nowe stawki opłat od 1 stycznia {jan.year} r.",
         "Zawiadomienia o wysokości opłat są dostępne w e-BOK w zakładce Dokumenty. Zmiana wynika "
         "z uchwały Rady Nadzorczej i wzrostu cen ciepła, wody i wywozu odpadów.", jan + dt.timedelta(days=30)),
        ("all", "", as_of - dt.timedelta(days=5), "Godziny pracy biura w okresie świątecznym",
         "W dniach 24 i 31 grudnia biuro będzie czynne do godz. 12:00. Sprawy można załatwić także "
         "przez e-BOK – formularz „Napisz do nas”.", as_of + dt.timedelta(days=40)),
        ("all", "", as_of - dt.timedelta(days=2), "Podaj odczyt wodomierzy przez e-BOK",
         "Przypominamy o przekazaniu odczytów wodomierzy w oknie odczytowym (od 20. dnia miesiąca do "
         "5. dnia następnego). Brak odczytu oznacza naliczenie zużycia szacunkowego.", as_of + dt.timedelta(days=12)),
        ("building", "B0001", replaced - dt.timedelta(days=14), "Wymiana wodomierzy zimnej wody",
         f"Uprzejmie informujemy, że {replaced.strftime('%d.%m.%Y')} r. w godz. 8:00–15:00 nastąpi wymiana "
         "wodomierzy zimnej wody w związku z upływem okresu legalizacji. Prosimy o udostępnienie lokali.",
         replaced + dt.timedelta(days=1)),
        ("building", "B0001", as_of - dt.timedelta(days=3), "Przegląd instalacji gazowej",
         "Coroczny przegląd szczelności instalacji gazowej odbędzie się w przyszłym tygodniu. "
         "Harmonogram wywieszono na klatce schodowej.", as_of + dt.timedelta(days=14)),
        ("community", FIRST_COMMUNITY, as_of - dt.timedelta(days=5), "Głosowanie nad uchwałą w sprawie remontu elewacji",
         "Zarząd wspólnoty zaprasza właścicieli do głosowania nad uchwałą w sprawie remontu elewacji. "
         "Głosować można w e-BOK w zakładce Głosowania.", as_of + dt.timedelta(days=14)),
        ("customer", "L0001", replaced + dt.timedelta(days=2), "Potwierdzenie wymiany wodomierza",
         "Wodomierz zimnej wody w Pani lokalu został wymieniony. Protokół wymiany jest dostępny "
         "w zakładce Dokumenty.", None),
        ("customer", "U0001", as_of - dt.timedelta(days=1), "Przypomnienie o zaległej płatności",
         "Na koncie lokalu użytkowego widnieje nieopłacona faktura po terminie płatności. Prosimy "
         "o uregulowanie należności, aby uniknąć naliczania odsetek.", as_of + dt.timedelta(days=14)),
        ("customer", "W0001", as_of - dt.timedelta(days=1), "Zmiana terminu odbioru odpadów",
         "W tygodniach ze świętami odpady są odbierane następnego dnia roboczego. Aktualny harmonogram "
         "dla Pana rejonu jest w e-BOK w zakładce Odpady.", as_of + dt.timedelta(days=30)),
    ]  # fmt: skip
    out.sort(key=lambda m: m[2])
    return [
        (f"KOM{i:04d}", a, t, pub, subj, body, until)
        for i, (a, t, pub, subj, body, until) in enumerate(out, 1)
    ]


def resolutions(plan: Plan, as_of: dt.date) -> list[dict]:
    """A closed and an open (voting window containing AS_OF) resolution of the first community."""
    closed_from = dt.datetime.combine(as_of - dt.timedelta(days=120), dt.time(8, 0))
    closed_to = dt.datetime.combine(as_of - dt.timedelta(days=106), dt.time(20, 0))
    open_from = dt.datetime.combine(as_of - dt.timedelta(days=5), dt.time(8, 0))
    open_to = dt.datetime.combine(as_of + dt.timedelta(days=14), dt.time(20, 0))
    closed_no = f"1/{closed_from.year}"
    open_no = f"{2 if open_from.year == closed_from.year else 1}/{open_from.year}"
    name = plan.communities[0][1]
    return [
        {"resolution_id": "UCH0001", "community_id": FIRST_COMMUNITY, "number": closed_no,
         "title": "w sprawie ustalenia wysokości zaliczki na fundusz remontowy",
         "body": "Właściciele lokali ustalają zaliczkę na fundusz remontowy w wysokości 2,40 zł za 1 m2 "
                 "powierzchni użytkowej lokalu miesięcznie, od pierwszego miesiąca po podjęciu uchwały.",
         "vote_from": closed_from, "vote_to": closed_to, "community": name},
        {"resolution_id": "UCH0002", "community_id": FIRST_COMMUNITY, "number": open_no,
         "title": "w sprawie wyrażenia zgody na remont elewacji i docieplenie budynku",
         "body": "Właściciele lokali wyrażają zgodę na wykonanie remontu elewacji wraz z dociepleniem "
                 "ścian zewnętrznych budynku, finansowanego z funduszu remontowego oraz kredytu "
                 "bankowego w kwocie do 850 000 zł, i upoważniają zarząd do zawarcia umów.",
         "vote_from": open_from, "vote_to": open_to, "community": name},
    ]  # fmt: skip


# --- the export -----------------------------------------------------------------------------


def generate(
    out_dir: Path,
    premises: int = 200,
    seed: int = 0,
    as_of: dt.date | None = None,
    *,
    encoding: str = "utf-8",
    decimal: str = "comma",
    delimiter: str = ";",
    pdf_sample: int = PDF_SAMPLE,
) -> dict[str, int]:
    """Write a demo export into OUT_DIR and return the data row count of every file (by table name)."""
    if premises < MIN_PREMISES:
        raise ValueError(f"premises must be at least {MIN_PREMISES}")
    as_of = as_of or clock.today()
    dialect = Dialect(delimiter=delimiter, encoding=encoding, decimal=decimal)
    nums = Numbers(dialect)
    out_dir = Path(out_dir)
    pdf_dir = out_dir / contract.DOCUMENTS_DIR
    pdf_dir.mkdir(parents=True, exist_ok=True)

    plan = Planner(premises, seed, as_of).build()
    ctx = Context(seed, as_of, nums, delimiter)
    writers = {spec.name: TableWriter(out_dir / spec.filename, spec, dialect) for spec in contract.FILES}
    try:
        _write_static(plan, ctx, writers, nums, pdf_dir)
        others = [p.premises_id for p in plan.premises if not p.persona]
        sample = sorted(random.Random(seed).sample(others, min(pdf_sample, len(others))))
        chosen = {pid: "persona" for pid in PERSONA_PREMISES} | {pid: "sample" for pid in sample}
        sim = Simulation(ctx, writers, plan, pdf_dir, chosen)
        wp = writers["waste_points"]
        for p in plan.premises:
            sim.run(p)
            if p.route_id:
                wp.write(waste_point(p, as_of, nums))
        ctx.documents.sort(key=lambda d: (d[1], d[4], d[0]))
        writers["documents"].write_many(ctx.documents)
    finally:
        for w in writers.values():
            w.close()
    for job in ctx.pdf_jobs:
        job()
    counts = {name: w.rows for name, w in writers.items()}
    exported_at = iso_datetime(dt.datetime.combine(as_of, dt.time(2, 0)))
    manifest = TableWriter(out_dir / contract.MANIFEST.filename, contract.MANIFEST, dialect)
    for spec in contract.FILES:
        manifest.write(
            (spec.filename, str(counts[spec.name]), sha256_file(out_dir / spec.filename), exported_at)
        )
    manifest.close()
    return counts


def _write_static(
    plan: Plan, ctx: Context, writers: dict[str, TableWriter], nums: Numbers, pdf_dir: Path
) -> None:
    """Write the small files: customers, communities, premises, messages, resolutions, waste schedule."""
    w = writers
    for cid in sorted(plan.customers):
        c = plan.customers[cid]
        code = registration_code(ctx.seed, c.customer_id)
        w["customers"].write(
            (c.customer_id, c.name, c.email, c.phone, nums.boolean(c.consent), c.nip or "", code)
        )
    for row in sorted(plan.communities):
        w["communities"].write(row)
    for p in plan.premises:
        w["premises"].write((
            p.premises_id, p.customer_id, p.building_id, p.street, p.building_no, p.unit_no, p.postcode, p.city,
            p.kind, p.tenure, nums.money(p.area), str(p.persons), "" if p.storage is None else nums.money(p.storage),
            p.community_id, "" if p.share is None else nums.dec4(p.share), nrb(p.account16),
        ))  # fmt: skip
    for mid, audience, target, pub, subject, body, until in messages(plan, ctx.as_of):
        w["messages"].write((mid, audience, target, iso_date(pub), subject, body, iso_date(until)))
    for r in resolutions(plan, ctx.as_of):
        file = f"uchwala_{r['community_id']}_{r['number'].replace('/', '_')}.pdf"
        w["resolutions"].write((r["resolution_id"], r["community_id"], r["number"], r["title"], r["body"], file,
                                iso_datetime(r["vote_from"]), iso_datetime(r["vote_to"])))  # fmt: skip
        ctx.pdf_jobs.append(_job(pdfs.resolution, pdf_dir / file, community=r["community"],
                manager=data.COOPERATIVE["name"], number=r["number"],
                                 title=r["title"], body=r["body"], vote_from=r["vote_from"], vote_to=r["vote_to"]))  # fmt: skip
    for route, fraction, day in waste_schedule(plan.routes, ctx.as_of):
        w["waste_schedule"].write((route, fraction, iso_date(day)))
    issued = dt.date(ctx.as_of.year, 1, 15)
    if issued > ctx.as_of:
        issued = dt.date(ctx.as_of.year - 1, 1, 15)
    for title, paragraphs in data.REGULATIONS:
        doc_id = ctx.doc_id("general")
        ctx.documents.append((doc_id, "", "regulation", title, iso_date(issued), f"{doc_id}.pdf", ""))
        ctx.pdf_jobs.append(_job(pdfs.regulation, pdf_dir / f"{doc_id}.pdf", issuer=coop_party(), title=title,
                                 paragraphs=paragraphs, issued_on=issued))  # fmt: skip


def waste_point(p: Premises, as_of: dt.date, nums: Numbers) -> tuple[str, ...]:
    """The waste collection point of a house (persons) or a business (containers)."""
    year = as_of.year
    if p.scheme == "house_business":
        containers = f"{p.containers} x 240 l zmieszane; 1 x 1100 l metale i tworzywa sztuczne"
        return (f"PO-{p.premises_id}", p.premises_id, p.label, p.route_id, containers, "containers", "",
                nums.money(rate_cents("waste_containers", year)))  # fmt: skip
    containers = "1 x 120 l zmieszane; 1 x 240 l bio; worki: papier, szkło, metale i tworzywa sztuczne"
    return (f"PO-{p.premises_id}", p.premises_id, p.label, p.route_id, containers, "persons", str(p.persons),
            nums.money(rate_cents("waste", year)))  # fmt: skip
