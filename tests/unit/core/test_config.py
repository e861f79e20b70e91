"""The office config: validation messages name the key, the last good config stays in force."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pydantic
import pytest
import yaml

from ebok.core import config, settings
from ebok.core.errors import FormError, Problem


def _write(path, data) -> None:
    """Write DATA (mapping or text) to PATH and make sure the mtime moves."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    # Some filesystems have coarse mtimes; force a different stamp so the cache notices.
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def _template() -> dict:
    return yaml.safe_load(config.DEFAULT_TEMPLATE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    config.clear_cache()
    yield
    config.clear_cache()


def test_first_load_copies_the_template_and_is_valid():
    path = settings.config_file()
    assert not path.exists()
    cfg = config.load()
    assert path.exists()
    assert config.last_error() is None
    assert cfg.company.nip == "5260001246"
    assert cfg.company.bank_account == "61109010140000071219812874"
    assert cfg.security.idle_timeout_minutes == 15 and cfg.security.absolute_timeout_hours == 12
    assert cfg.meters.legalisation_warning_days == 90
    assert cfg.module_on("voting") is True
    with pytest.raises(pydantic.ValidationError):
        cfg.company.name = "x"  # type: ignore[misc]


def test_good_config_values_and_normalisation():
    data = _template()
    data["company"]["nip"] = "526-000-12-46"
    data["company"]["bank_account"] = "PL61 1090 1014 0000 0712 1981 2874"
    data["modules"]["voting"] = False
    data["security"]["idle_timeout_minutes"] = 30
    data["reading_window"] = {"always_open": False, "first_day": 1, "last_day": 10}
    cfg = config.from_dict(data)
    assert cfg.company.nip == "5260001246"
    assert cfg.company.bank_account == "61109010140000071219812874"
    assert cfg.module_on("voting") is False
    assert cfg.security.idle_timeout_minutes == 30
    assert cfg.reading_window.is_open(dt.date(2026, 11, 10))
    assert not cfg.reading_window.is_open(dt.date(2026, 11, 11))


def test_missing_keys_take_defaults():
    cfg = config.from_dict({"company": {"name": "SM Test"}, "registration": {"regulations_version": "1"}})
    assert cfg.security.absolute_timeout_hours == 12
    assert cfg.meters.implausible_factor == 3.0
    assert cfg.smtp.password_env == "EBOK_SMTP_PASSWORD"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("company", "nip", "5260001247"), "company.nip: nieprawidłowy NIP (błędna suma kontrolna)"),
        (("company", "nip", "52600012"), "company.nip: nieprawidłowy NIP (błędna długość)"),
        (("company", "regon", "123456786"), "company.regon: nieprawidłowy REGON (błędna suma kontrolna)"),
        (
            ("company", "bank_account", "62 1090 1014 0000 0712 1981 2874"),
            "company.bank_account: nieprawidłowy numer rachunku (błędna suma kontrolna)",
        ),
        (
            ("company", "bank_account", "1090 1014"),
            "company.bank_account: nieprawidłowy numer rachunku (NRB ma 26 cyfr)",
        ),
        (("company", "email", "biuro@"), "company.email: nieprawidłowy adres e-mail"),
        (("smtp", "sender", "nie e-mail"), "smtp.sender: nieprawidłowy adres e-mail"),
        (("company", "fax", "22 000"), "company.fax: nieznany klucz"),
        (
            ("security", "idle_timeout_minutes", "piętnaście"),
            "security.idle_timeout_minutes: oczekiwano: liczba całkowita, jest tekst",
        ),
        (
            ("modules", "voting", "tak"),
            "modules.voting: oczekiwano wartości tak/nie (true/false), jest tekst",
        ),
        (
            ("company", "nip", 5260001246),
            "company.nip: oczekiwano tekstu, jest liczba całkowita (ujmij wartość w cudzysłów)",
        ),
        (("security", "idle_timeout_minutes", 0), "security.idle_timeout_minutes: wartość 0 poza zakresem"),
        (("reading_window", "first_day", 32), "reading_window.first_day: wartość 32 poza zakresem"),
        (("smtp", "security", "tls"), "smtp.security: niedozwolona wartość 'tls'"),
        (("portal", "base_url", "ebok.example.pl"), "portal.base_url: adres musi zaczynać się od http://"),
        (("company", "name", ""), "company.name: wartość jest wymagana"),
    ],
)
def test_bad_values_name_the_key(change, message):
    section, key, value = change
    data = _template()
    data[section][key] = value
    with pytest.raises(FormError) as info:
        config.from_dict(data)
    assert any(p.startswith(message) for p in info.value.messages), info.value.messages
    assert len(info.value.messages) == 1


def test_unknown_section_and_several_problems_reported_together():
    data = _template()
    data["bogus"] = {"x": 1}
    data["company"]["nip"] = "1234567890"
    with pytest.raises(FormError) as info:
        config.from_dict(data)
    problems = info.value.messages
    assert any(p.startswith("bogus: nieznany klucz") for p in problems)
    assert any(p.startswith("company.nip: nieprawidłowy NIP") for p in problems)
    assert str(info.value) == "\n".join(problems)


def test_section_of_wrong_type():
    data = _template()
    data["modules"] = ["meters"]
    with pytest.raises(FormError) as info:
        config.from_dict(data)
    assert info.value.messages == ["modules: oczekiwano sekcji (klucz: wartość), jest lista"]


def test_invalid_yaml_names_the_line():
    with pytest.raises(FormError) as info:
        config.parse("company:\n  name: 'SM\n  nip: [\n")
    (problem,) = info.value.messages
    assert problem.startswith("plik konfiguracji: nieprawidłowy YAML w wierszu")


def test_duplicate_key_is_refused():
    with pytest.raises(FormError) as info:
        config.parse("company:\n  name: A\n  name: B\n")
    (problem,) = info.value.messages
    assert (
        problem
        == "plik konfiguracji: nieprawidłowy YAML w wierszu 3, kolumnie 3 (klucz 'name' występuje dwa razy)"
    )


def test_previous_config_stays_in_force_when_file_breaks():
    path = settings.config_file()
    data = _template()
    data["company"]["name"] = "SM Pierwsza"
    _write(path, data)
    assert config.load().company.name == "SM Pierwsza"

    _write(path, "company: [nie: domknięte\n")
    cfg = config.load()
    assert cfg.company.name == "SM Pierwsza"
    err = config.last_error()
    assert err is not None and "nieprawidłowy YAML" in err.messages[0]

    data["company"]["nip"] = "5260001247"
    _write(path, data)
    assert config.load().company.name == "SM Pierwsza"
    assert config.last_error().messages == ["company.nip: nieprawidłowy NIP (błędna suma kontrolna)"]

    data["company"]["nip"] = "5260001246"
    data["company"]["name"] = "SM Druga"
    _write(path, data)
    assert config.load().company.name == "SM Druga"
    assert config.last_error() is None


def test_broken_file_at_startup_falls_back_to_default_template():
    path = settings.config_file()
    _write(path, "company:\n  name: SM\nsecurity:\n  idle_timeout_minutes: dużo\n")
    cfg = config.load()
    assert cfg == config.default()
    assert config.last_error().messages == [
        "security.idle_timeout_minutes: oczekiwano: liczba całkowita, jest tekst"
    ]


def test_cache_follows_mtime():
    path = settings.config_file()
    first = config.load()
    assert config.load() is first  # same file, same object
    data = _template()
    data["security"]["idle_timeout_minutes"] = 20
    _write(path, data)
    assert config.load().security.idle_timeout_minutes == 20


def test_save_validates_first_and_keeps_file_untouched():
    path = settings.config_file()
    config.load()
    before = path.read_bytes()
    bad = config.replace_section(config.load(), "company", nip="5260001247")
    with pytest.raises(FormError) as info:
        config.save(bad)
    assert info.value.messages == ["company.nip: nieprawidłowy NIP (błędna suma kontrolna)"]
    assert path.read_bytes() == before
    assert not config.backup_path().exists()


def test_save_writes_atomically_with_backup_and_reloads():
    path = settings.config_file()
    original = config.load()
    before = path.read_text(encoding="utf-8")
    new = config.replace_section(original, "company", name="SM Nowa", phones=("22 111 22 33", "600 700 800"))
    saved = config.save(new)
    assert saved.company.name == "SM Nowa"
    assert config.load().company.phones == ("22 111 22 33", "600 700 800")
    assert config.backup_path().read_text(encoding="utf-8") == before
    # The written file reads back to the same config and leaves no temporary files behind.
    config.clear_cache()
    assert config.load() == saved
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_save_accepts_a_mapping_and_replaces_via_os_replace(monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((os.path.basename(src), os.path.basename(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(config.os, "replace", spy)
    data = _template()
    data["texts"]["login_announcement"] = "Przerwa techniczna w sobotę.\nPrzepraszamy."
    cfg = config.save(data)
    assert cfg.texts.login_announcement == "Przerwa techniczna w sobotę.\nPrzepraszamy."
    assert calls and calls[-1][1] == "config.yaml" and calls[-1][0].endswith(".tmp")


def test_failed_write_keeps_the_old_file(monkeypatch):
    path = settings.config_file()
    config.load()
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(config.os, "replace", boom)
    with pytest.raises(OSError):
        config.save(config.replace_section(config.load(), "company", name="SM Zła"))
    assert path.read_bytes() == before
    assert [p for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_concurrent_saves_leave_a_valid_file():
    config.load()
    names = [f"SM {i}" for i in range(8)]
    threads = [
        threading.Thread(target=config.save, args=(config.replace_section(config.load(), "company", name=n),))
        for n in names
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    config.clear_cache()
    assert config.load().company.name in names
    assert config.last_error() is None


def test_smtp_password_from_environment(monkeypatch):
    cfg = config.replace_section(config.default(), "smtp", password="z-pliku")
    monkeypatch.delenv("EBOK_SMTP_PASSWORD", raising=False)
    assert cfg.smtp.resolved_password() == "z-pliku"
    monkeypatch.setenv("EBOK_SMTP_PASSWORD", "ze-zmiennej")
    assert cfg.smtp.resolved_password() == "ze-zmiennej"


@pytest.mark.parametrize(
    ("first", "last", "day", "open_"),
    [
        (20, 5, dt.date(2026, 11, 19), False),
        (20, 5, dt.date(2026, 11, 20), True),
        (20, 5, dt.date(2026, 12, 31), True),
        (20, 5, dt.date(2027, 1, 5), True),
        (20, 5, dt.date(2027, 1, 6), False),
        (25, 31, dt.date(2026, 2, 28), True),  # 31 means the month's last day
        (1, 10, dt.date(2026, 11, 11), False),
    ],
)
def test_reading_window(first, last, day, open_):
    window = config.ReadingWindow(first_day=first, last_day=last)
    assert window.is_open(day) is open_


def test_reading_window_always_open():
    assert config.ReadingWindow(always_open=True).is_open(dt.date(2026, 11, 10))


def test_problems_name_the_key_as_the_field():
    data = _template()
    data["security"]["idle_timeout_minutes"] = 0
    data["meters"]["implausible_factor"] = 0.5
    data["reading_window"]["last_day"] = True
    with pytest.raises(FormError) as info:
        config.from_dict(data)
    assert info.value.problems == (
        Problem("reading_window.last_day", "oczekiwano: liczba całkowita, jest wartość logiczna"),
        Problem("security.idle_timeout_minutes", "wartość 0 poza zakresem 1–1440"),
        Problem("meters.implausible_factor", "wartość 0.5 poza zakresem 1.0–100.0"),
    )


def test_rules_over_several_keys_are_reported_together():
    data = _template()
    data["smtp"].update(security="ssl", port=25, username="biuro", password="", password_env="")
    with pytest.raises(FormError) as info:
        config.from_dict(data)
    assert info.value.problems == (
        Problem("smtp.port", "dla szyfrowania ssl użyj portu 465 (port 25 to połączenie bez SSL)"),
        Problem("smtp.password_env", "podaj zmienną środowiskową z hasłem albo hasło"),
    )


def test_empty_values_and_sections():
    cfg = config.parse("company:\n  name: SM\n  phones: 22 111 22 33\n  address:\nmodules:\n")
    assert cfg.company.phones == ("22 111 22 33",)
    assert cfg.company.address == ""
    assert cfg.modules == config.Modules()
    with pytest.raises(FormError) as info:
        config.parse("")
    assert info.value.messages == ["company: brak wymaganego klucza"]
    with pytest.raises(FormError) as info:
        config.parse("- company\n")
    assert info.value.messages == ["plik konfiguracji: oczekiwano sekcji (klucz: wartość), jest lista"]
    with pytest.raises(FormError) as info:
        config.parse("company:\n  name: SM\n  phones: [22, 33]\n")
    assert info.value.messages == ["company.phones: oczekiwano listy tekstów, jest lista"]


def test_unknown_key_lists_the_allowed_ones():
    with pytest.raises(FormError) as info:
        config.parse("company:\n  name: SM\nportal:\n  url: http://x.pl\n")
    assert info.value.messages == ["portal.url: nieznany klucz (dozwolone: base_url)"]


def test_load_is_a_cached_lookup_without_revalidation(monkeypatch):
    first = config.load()
    calls = []
    real_parse = config.parse
    monkeypatch.setattr(config, "parse", lambda text: calls.append(text) or real_parse(text))
    for _ in range(5):
        assert config.load() is first
    assert calls == []
    data = _template()
    data["company"]["name"] = "SM Zmieniona"
    _write(settings.config_file(), data)
    assert config.load().company.name == "SM Zmieniona"
    assert len(calls) == 1


def test_base_url_for_links_prefers_the_environment(monkeypatch):
    monkeypatch.delenv("EBOK_BASE_URL", raising=False)
    config.save(config.replace_section(config.load(), "portal", base_url="https://ebok.example.pl/"))
    assert config.load().portal.base_url == "https://ebok.example.pl"
    assert config.base_url() == "https://ebok.example.pl"
    monkeypatch.setenv("EBOK_BASE_URL", "https://portal.example.pl/")
    assert config.base_url() == "https://portal.example.pl"
    assert config.load().portal.base_url == "https://ebok.example.pl"  # the file is not changed


def test_form_sections_describe_every_key():
    fields = {f.key: f for _section, _title, items in config.form_sections() for f in items}
    assert [(s, t) for s, t, _items in config.form_sections()][:3] == [
        ("company", "Dane firmy"),
        ("portal", "Portal"),
        ("smtp", "Poczta wychodząca (SMTP)"),
    ]
    assert fields["company.name"] == config.FormField("company", "name", "Nazwa", "text")
    assert fields["company.phones"].kind == "lines"
    assert fields["company.office_hours"].kind == "multiline"
    assert fields["smtp.password"].kind == "secret"
    assert (fields["smtp.security"].kind, fields["smtp.security"].options) == (
        "choice",
        ("none", "starttls", "ssl"),
    )
    idle = fields["security.idle_timeout_minutes"]
    assert (idle.kind, idle.min, idle.max) == ("int", 1, 1440)
    assert fields["meters.implausible_factor"].kind == "float"
    assert fields["modules.voting"].kind == "bool"
    assert fields["export.profile"].kind == "text"
    # every key of the template (11: payments_online, 24: notifications)
    assert len(fields) == 9 + 1 + 8 + 3 + 6 + 3 + 3 + 2 + 2 + 1 + 2 + 11 + 24
    # Every int field has both bounds: the admin form's number input needs them.
    assert all(f.min is not None and f.max is not None for f in fields.values() if f.kind == "int")


def test_payments_online_defaults_and_cross_checks():
    pay = config.default().payments_online
    assert (pay.enabled, pay.gateway, pay.sandbox, pay.min_amount, pay.max_amount) == (
        False,
        "przelewy24",
        True,
        1,
        20000,
    )
    base = config.to_dict(config.default())
    for changes, key in [
        ({"min_amount": 500, "max_amount": 100}, "payments_online.min_amount"),
        ({"enabled": True, "gateway": "przelewy24"}, "payments_online.merchant_id"),
        ({"enabled": True, "gateway": "payu", "pos_id": 300746}, "payments_online.client_id"),
        ({"gateway": "paypal"}, "payments_online.gateway"),
    ]:
        data = {**base, "payments_online": {**base["payments_online"], **changes}}
        with pytest.raises(FormError) as exc:
            config.from_dict(data)
        assert key in exc.value.fields


def test_import_checks_defaults_and_polish_problems():
    """The loader's plausibility limits: 2 % and 1 000 000 zł by default, bounds named in Polish."""
    checks = config.default().import_checks
    assert (checks.max_gone_percent, checks.max_balance_change) == (2.0, 1_000_000)
    with pytest.raises(FormError) as err:
        config.parse(
            "company: {name: Spółdzielnia}\n"
            "import_checks: {max_gone_percent: 150, max_balance_change: dużo}\n"
        )
    assert err.value.messages == [
        "import_checks.max_gone_percent: wartość 150 poza zakresem 0.0–100.0",
        "import_checks.max_balance_change: oczekiwano: liczba całkowita, jest tekst",
    ]
