"""Konfiguracja: the office edits company data, portal, SMTP, modules and texts; errors name the key."""

from __future__ import annotations

import streamlit as st

from ebok.core import config, settings, text
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.domain import smtp_check
from ebok.storage import audit
from ebok.web import client, forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Konfiguracja"))

FLASH = "_config_flash"
PREFIX = "cfg."
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

path = settings.config_file()
cfg = config.load()
broken = config.last_error()
if broken is not None:
    st.error(
        _(
            "Plik konfiguracji jest błędny — portal działa na ostatniej poprawnej wersji "
            "(albo na ustawieniach domyślnych). Popraw plik albo zapisz formularz poniżej."
        )
    )
    forms.show_problems(broken)
st.caption(_("Plik: {path}").format(path=text.escape_markdown(str(path))))

values: dict[str, object] = {}
clear_secret = False
with st.form("config_form"):
    for section, title, fields in config.form_sections():
        current = getattr(cfg, section)
        # Section titles and field labels come from ebok.core.config (marked there for the catalogs).
        with st.expander(_(title), expanded=section == "company"):
            for f in fields:
                value = getattr(current, f.name)
                key = PREFIX + f.key
                label = f"{_(f.label)} ({f.key})"

                if f.kind == "bool":
                    values[f.key] = st.checkbox(label, value=value, key=key)
                elif f.kind == "int":
                    values[f.key] = st.number_input(
                        label, value=value, min_value=int(f.min), max_value=int(f.max), step=1, key=key
                    )
                elif f.kind == "float":
                    values[f.key] = st.number_input(
                        label, value=float(value), min_value=f.min, max_value=f.max, step=0.5, key=key
                    )
                elif f.kind == "choice":
                    values[f.key] = st.selectbox(label, f.options, index=f.options.index(value), key=key)
                elif f.kind == "lines":
                    values[f.key] = st.text_area(
                        _("{label} — jeden w wierszu").format(label=label), value="\n".join(value), key=key
                    )
                elif f.kind == "multiline":
                    values[f.key] = st.text_area(label, value=value, key=key, height=120)
                elif f.kind == "secret":
                    values[f.key] = st.text_input(
                        label,
                        value="",
                        type="password",
                        key=key,
                        placeholder=_("zapisane — zostaw puste, aby nie zmieniać") if value else _("brak"),
                    )
                else:
                    values[f.key] = st.text_input(label, value=value, key=key)
            if section == "smtp":
                clear_secret = st.checkbox(
                    _("Usuń hasło zapisane w pliku (smtp.password)"), key=PREFIX + "clear"
                )
    submitted = st.form_submit_button(_("Zapisz konfigurację"), type="primary")

if submitted:
    try:
        saved = config.save(config.from_form(cfg, values, clear_secrets=clear_secret))
    except FormError as exc:
        st.error(_("Nie zapisano konfiguracji. Popraw:"))
        forms.show_problems(exc)
    else:
        audit.record("config.saved", user.username, client_address=client.client_address())
        # Drop the widgets' state so the form shows the saved (normalised) values.
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PREFIX)]:
            del st.session_state[key]
        st.session_state[FLASH] = _("Zapisano konfigurację ({company}). Poprzednia wersja: {backup}.").format(
            company=saved.company.name, backup=config.backup_path(path).name
        )
        st.rerun()

st.subheader(_("Test poczty wychodzącej"))
if cfg.smtp.password:
    st.info(
        _(
            "Hasło SMTP jest zapisane w pliku konfiguracji. Bezpieczniej ustawić je w zmiennej środowiskowej "
            "{variable} i usunąć z pliku."
        ).format(variable=text.escape_markdown(cfg.smtp.password_env or "EBOK_SMTP_PASSWORD"))
    )
with st.form("smtp_test"):
    recipient = st.text_input(_("Adres odbiorcy"), value=cfg.company.email, key="smtp_test_to")
    if st.form_submit_button(_("Wyślij e-mail testowy")):
        problem = smtp_check.send_test(recipient.strip(), cfg.company.name)
        if problem:
            st.error(problem)
        else:
            st.success(
                _("Wysłano wiadomość testową na {address}.").format(
                    address=text.escape_markdown(recipient.strip())
                )
            )
