"""The commercial tenant (blazej.wisniewski, U0001) on the resident pages, on the loaded demo data.

Every expectation comes from the export's CSV files read with the csv module (tests.helpers.meters_demo
readers), never through ebok: his premises, meters, booked readings, messages, waste points and the
(absent) community. Media, Wiadomości, Uchwały, Odpady, Kontakt and Awarie are each driven as him.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from ebok.core import clock
from tests.helpers import cards
from tests.helpers import meters_demo as md
from tests.helpers.auth import page

USER, CUSTOMER = "blazej.wisniewski", "U0001"
TODAY = md.AS_OF
MEDIUM = {"cold_water": "Woda zimna", "hot_water": "Woda ciepła", "heat": "Ciepło", "gas": "Gaz"}
UNIT = {"m3": "m³", "GJ": "GJ", "kWh": "kWh"}
SOURCE = {
    "collector": "inkasent",
    "radio": "odczyt radiowy",
    "resident": "mieszkaniec (e-BOK)",
    "estimate": "szacunek",
}
LEGALISATION_WARNING_DAYS = 90  # the default in the office config (Liczniki)
COMPANY = {  # written to the test's config.yaml as plain YAML, not through ebok.core.config
    "name": "Zakład Gospodarki Mieszkaniowej Praga",
    "address": "ul. Ząbkowska 1, 03-735 Warszawa",
    "nip": "5261040828",
    "regon": "012345675",
    "bank_account": "61109010140000071219812874",
    "bank_name": "Bank Testowy S.A.",
    "phones": ["22 610 00 01", "22 610 00 02"],
    "email": "biuro@zgm-praga.pl",
    "office_hours": "pn–pt 7:30–15:30",
}
CONTACT_TEXT = "Proszę o korektę faktury VAT za październik dla zakładu fryzjerskiego."
FAULT_TEXT = "W lokalu użytkowym od rana przecieka wodomierz zimnej wody pod umywalką."


@pytest.fixture(autouse=True)
def _demo(data_dir):
    md.use(data_dir)
    (data_dir / "config.yaml").write_text(
        yaml.safe_dump({"company": COMPANY}, allow_unicode=True), encoding="utf-8"
    )
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


# --- independent expectations from the export CSV -----------------------------------------------


def export():
    return md.demo()[0]


def his_premises() -> list[dict[str, str]]:
    return [p for p in md.read(export(), "premises") if p["customer_id"] == CUSTOMER]


def his_premises_id() -> str:
    (premises,) = his_premises()  # one commercial premises
    return premises["premises_id"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def pl_date(value: dt.date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def pl_num(value: Decimal) -> str:
    whole, frac = f"{value:.3f}".split(".")
    if len(whole.lstrip("-")) > 4:  # Polish grouping starts at five digits
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        groups = []
        while digits:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        whole = sign + "\xa0".join(groups)
    return f"{whole},{frac}"


def his_meters() -> list[dict[str, str]]:
    """meters.csv rows of his premises, active first, then medium, installation date (as listed)."""
    pid = his_premises_id()
    rows = [m for m in md.read(export(), "meters") if m["premises_id"] == pid]
    return sorted(rows, key=lambda m: (bool(m["removed_on"]), m["medium"], m["installed_on"], m["meter_id"]))


def active(m: dict[str, str]) -> bool:
    return not m["removed_on"] or d(m["removed_on"]) > TODAY


def warned(m: dict[str, str]) -> bool:
    limit = TODAY + dt.timedelta(days=LEGALISATION_WARNING_DAYS)
    return active(m) and bool(m["legalisation_until"]) and d(m["legalisation_until"]) <= limit


def his_readings() -> list[dict[str, str]]:
    meters = {m["meter_id"]: m for m in his_meters()}
    return [r for r in md.read(export(), "readings") if r["meter_id"] in meters]


def expected_meter_rows() -> list[dict[str, str]]:
    readings = his_readings()
    out = []
    for m in his_meters():
        own = sorted(
            (r["reading_date"], md.dec(r["value"])) for r in readings if r["meter_id"] == m["meter_id"]
        )
        last = own[-1] if own else None
        out.append(
            {
                "Medium": MEDIUM[m["medium"]],
                "Nr licznika": m["serial_no"],
                "Jednostka": UNIT[m["unit"]],
                "Zamontowany": pl_date(d(m["installed_on"])),
                "Legalizacja do": pl_date(d(m["legalisation_until"])) + (" ⚠" if warned(m) else ""),
                "Ostatni stan": pl_num(last[1] if last else md.dec(m["initial_value"])),
                "Z dnia": pl_date(d(last[0])) if last else "stan początkowy",
                "Status": "czynny" if active(m) else f"zdemontowany {pl_date(d(m['removed_on']))}",
            }
        )
    return out


def expected_booked_rows() -> list[dict[str, str]]:
    """Every booked reading, newest first, with consumption since the meter's previous state."""
    meters = {m["meter_id"]: m for m in his_meters()}
    rows = []
    for meter_id, m in meters.items():
        prev = md.dec(m["initial_value"])
        own = sorted(
            (r for r in his_readings() if r["meter_id"] == meter_id),
            key=lambda r: (r["reading_date"], r["reading_id"]),
        )
        for r in own:
            value = md.dec(r["value"])
            rows.append((r["reading_date"], meter_id, r, value, value - prev))
            prev = value
    rows.sort(key=lambda x: x[1])  # meter_id ascending within a day …
    rows.sort(key=lambda x: x[0], reverse=True)  # … newest day first (stable sort)
    return [
        {
            "Data": pl_date(d(day)),
            "Licznik": f"{MEDIUM[meters[mid]['medium']]}, nr {meters[mid]['serial_no']}",
            "Stan": pl_num(value),
            "Zużycie": f"{pl_num(use)} {UNIT[meters[mid]['unit']]}",
            "Źródło": SOURCE[r["source"]],
        }
        for day, mid, r, value, use in rows
    ]


def visible_messages() -> list[dict[str, str]]:
    """messages.csv rows for all / his building / his customer id, published and still valid, newest first."""
    (premises,) = his_premises()
    wanted = {("all", ""), ("building", premises["building_id"]), ("customer", CUSTOMER)}
    rows = [
        m
        for m in md.read(export(), "messages")
        if (m["audience"], m["target"]) in wanted
        and d(m["published_on"]) <= TODAY
        and (not m["valid_until"] or d(m["valid_until"]) >= TODAY)
    ]
    return sorted(rows, key=lambda m: (m["published_on"], m["message_id"]), reverse=True)


# --- page helpers ---------------------------------------------------------------------------------


def run(path: str, at=None, username: str = USER, **query):
    at = at or page(path, username, **query)
    at.run()
    assert not at.exception, at.exception
    return at


def plain(text: str) -> str:
    """Undo Markdown escaping (backslashes) of a shown value."""
    return text.replace("\\", "")


def widget(items, label):
    return next(w for w in items if w.label == label)


def md_frame(at, column: str) -> list[dict[str, str]]:
    """Return the rows of the first dataframe with COLUMN as a list of dicts."""
    frame = next(df.value for df in at.dataframe if column in df.value.columns)
    return frame.astype(str).to_dict("records")


def message_buttons(at):
    return [b for b in at.button if b.key and b.key.startswith("msg-")]


# --- tests ----------------------------------------------------------------------------------------


def test_his_premises_is_the_commercial_one_shown_without_selector():
    (premises,) = his_premises()
    assert premises["kind"] == "commercial"
    at = run("pages/media.py")
    assert at.title[0].value == "Media i odczyty"
    assert len(at.selectbox) == 0  # one premises: no premises selector


def test_media_meters_warnings_and_booked_readings_equal_export():
    at = run("pages/media.py")
    meters = his_meters()
    assert meters, "the demo gives the shop a water meter"
    table = md_frame(at, "Legalizacja do")
    assert table == expected_meter_rows()
    assert sorted(table[i]["Nr licznika"] for i in range(len(table))) == sorted(
        m["serial_no"] for m in meters
    )
    # Legalisation warnings: exactly the active meters whose legalisation ends within 90 days (or has).
    shown = [plain(w.value) for w in at.warning if "legalizacja licznika" in w.value]
    expected_warnings = [m["serial_no"] for m in meters if warned(m)]
    assert len(shown) == len(expected_warnings)
    for serial in expected_warnings:
        assert any(f"nr {serial}" in w for w in shown), serial
    # Booked readings (tab "Odczyty"; the tabs are lazy): every reading of his meters, newest first.
    at.session_state["media_tab"] = "Odczyty"
    at = run("pages/media.py", at=at)
    booked = md_frame(at, "Źródło")
    expected = expected_booked_rows()
    assert booked == expected
    latest = max(his_readings(), key=lambda r: (r["reading_date"], r["reading_id"]))
    assert booked[0]["Stan"] == pl_num(md.dec(latest["value"]))
    assert booked[0]["Data"] == pl_date(d(latest["reading_date"]))
    # The reading form (tab "Podaj odczyt") offers only his active meters.
    at.session_state["media_tab"] = "Podaj odczyt"
    at = run("pages/media.py", at=at)
    radio = at.radio(key=f"r-meter-{his_premises_id()}")
    assert sorted(radio.options) == sorted(
        f"{MEDIUM[m['medium']]}, nr {m['serial_no']} ({UNIT[m['unit']]})" for m in meters if active(m)
    )
    # No other premises' meter appears anywhere.
    others = {m["serial_no"] for m in md.read(export(), "meters") if m["premises_id"] != his_premises_id()}
    shown_serials = {r["Nr licznika"] for r in table} | {r["Licznik"].split(", nr ")[1] for r in booked}
    assert not shown_serials & others


def test_wiadomosci_exactly_all_building_and_his_customer_messages():
    expected = visible_messages()
    assert any(m["audience"] == "customer" for m in expected)  # the demo has one addressed to him
    at = run("pages/wiadomosci.py")
    labels = [plain(b.label) for b in message_buttons(at)]
    assert labels == [f":blue[●] **{m['subject']}**  \n{pl_date(d(m['published_on']))}" for m in expected]
    assert f"Nieprzeczytane: {len(expected)} z {len(expected)}" in [c.value for c in at.caption]
    # Community messages (he is in no community) and other customers' messages never appear.
    hidden = [
        m
        for m in md.read(export(), "messages")
        if m["audience"] == "community" or (m["audience"] == "customer" and m["target"] != CUSTOMER)
    ]
    assert hidden
    text = "\n".join(labels)
    for m in hidden:
        assert m["subject"] not in text, m["message_id"]
    # Opening his own customer message shows its body.
    mine = next(m for m in expected if m["audience"] == "customer")
    button = next(b for b in message_buttons(at) if mine["subject"] in plain(b.label))
    button.click()
    at = run("pages/wiadomosci.py", at)
    assert plain(at.subheader[0].value) == mine["subject"]
    assert mine["body"] in [t.value for t in at.text] + [plain(m.value) for m in at.markdown]
    assert f"Nieprzeczytane: {len(expected) - 1} z {len(expected)}" in [c.value for c in at.caption]


def test_uchwaly_no_community_so_no_resolutions_and_no_vote_form():
    (premises,) = his_premises()
    assert premises["community_id"] == ""  # not in a housing community
    resolutions = md.read(export(), "resolutions")
    assert resolutions  # there are resolutions in the demo, just not his
    at = run("pages/uchwaly.py")
    assert [i.value for i in at.info] == [
        "Ten lokal nie należy do wspólnoty mieszkaniowej, więc nie głosuje nad uchwałami."
    ]
    assert len(at.expander) == 0 and len(at.radio) == 0
    assert not [b for b in at.button if b.label == "Oddaj głos"]
    assert len(at.get("download_button")) == 0
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    for r in resolutions:
        assert r["number"] not in shown and r["title"] not in shown


def test_odpady_his_points_or_the_empty_state():
    points = [p for p in md.read(export(), "waste_points") if p["premises_id"] == his_premises_id()]
    at = run("pages/odpady.py")
    if not points:
        assert [i.value for i in at.info] == ["Do tego lokalu nie jest przypisany punkt odbioru odpadów."]
        assert len(at.metric) == 0 and not cards.figures(at) and len(at.table) == 0 and len(at.selectbox) == 0
    else:
        shown = "\n".join(plain(m.value) for m in at.markdown)
        for p in points:
            assert f"{p['address']}** (rejon {p['route_id']})" in shown
    # Other premises' points are never listed.
    others = [p for p in md.read(export(), "waste_points") if p["premises_id"] != his_premises_id()]
    shown = "\n".join(plain(m.value) for m in at.markdown)
    assert others and not any(p["address"] in shown for p in others)


def test_kontakt_company_data_empty_history_and_own_message():
    at = run("pages/kontakt.py")
    assert COMPANY["name"] in [s.value for s in at.subheader]
    shown = "\n".join(plain(m.value) for m in at.markdown)
    for line in (
        f"**Adres:** {COMPANY['address']}",
        f"**E-mail:** {COMPANY['email']}",
        f"**Telefon:** {', '.join(COMPANY['phones'])}",
        f"**NIP:** {COMPANY['nip']}",
        f"**REGON:** {COMPANY['regon']}",
        f"**Rachunek bankowy:** {COMPANY['bank_account']} ({COMPANY['bank_name']})",
    ):
        assert line in shown, line
    assert COMPANY["office_hours"] in [t.value for t in at.text]
    assert "Nie wysłano jeszcze żadnej wiadomości z tego lokalu." in [i.value for i in at.info]
    assert len(at.expander) == 0
    # He sends a message: it appears once in his history.
    widget(at.selectbox, "Temat").set_value("dokumenty")
    widget(at.text_area, "Treść").input(CONTACT_TEXT)
    widget(at.button, "Wyślij wiadomość").click()
    at = run("pages/kontakt.py", at)
    (success,) = [s.value for s in at.success]
    reference = success.split()[1]
    assert success == f"Wiadomość {reference} została wysłana. Odpowiedź biura pojawi się poniżej."
    assert [e.label.split(" · ")[0] for e in at.expander] == [reference]
    assert [t.value for t in at.text].count(CONTACT_TEXT) == 1
    assert "Nie wysłano jeszcze żadnej wiadomości z tego lokalu." not in [i.value for i in at.info]
    # A fresh page as him still shows it once; Anna (same building, other customer) never sees it.
    again = run("pages/kontakt.py")
    assert [e.label.split(" · ")[0] for e in again.expander] == [reference]
    anna = [p["premises_id"] for p in md.read(export(), "premises") if p["customer_id"] == "L0001"]
    assert len(anna) >= 2
    for pid in anna:
        other = run("pages/kontakt.py", username="anna.nowak", lokal=pid)
        assert CONTACT_TEXT not in [t.value for t in other.text], pid
        assert len(other.expander) == 0, pid
    # Even asking for his premises in the address does not show it to her.
    foreign = run("pages/kontakt.py", username="anna.nowak", lokal=his_premises_id())
    assert CONTACT_TEXT not in [t.value for t in foreign.text]


def test_awarie_report_appears_once_with_status_nowe():
    at = run("pages/awarie.py")
    assert "Nie zgłoszono jeszcze żadnej awarii z tego lokalu." in [i.value for i in at.info]
    assert f"Telefon biura: {', '.join(COMPANY['phones'])}" in [plain(c.value) for c in at.caption]
    widget(at.selectbox, "Kategoria").set_value("woda")
    widget(at.selectbox, "Miejsce").set_value("lokal")
    widget(at.text_area, "Opis").input(FAULT_TEXT)
    widget(at.button, "Zgłoś awarię").click()
    at = run("pages/awarie.py", at)
    (success,) = [s.value for s in at.success]
    reference = success.split()[1]
    assert success == f"Zgłoszenie {reference} zostało przyjęte."
    (item,) = at.expander
    parts = item.label.split(" · ")
    assert parts[0] == reference and parts[-1] == "Nowe"
    assert [t.value for t in at.text].count(FAULT_TEXT) == 1
    # Reloaded as him: still one report, status Nowe; Anna does not see it.
    again = run("pages/awarie.py")
    assert [e.label.split(" · ")[0] for e in again.expander] == [reference]
    assert again.expander[0].label.split(" · ")[-1] == "Nowe"
    anna = run("pages/awarie.py", username="anna.nowak")
    assert FAULT_TEXT not in [t.value for t in anna.text] and len(anna.expander) == 0
