"""SQL macros that turn the exported text into typed values (NULL when not parseable).

Defined once per staging connection; the loader checks `txt(x) IS NOT NULL AND
<type>(x) IS NULL` to find bad values and uses the same macros to build typed tables.
"""

from __future__ import annotations

import duckdb

from ebok.core.contract import FALSE_WORDS, TRUE_WORDS


def _words(words: tuple[str, ...]) -> str:
    return ", ".join("'" + w.replace("'", "''") + "'" for w in words)


SPACES = "[\\s\u00a0\u202f]"  # RE2 has no \\u escapes: real characters

# Fast paths first (plain '-1234.5', '1234,5', ISO dates): most values never reach the
# slower normalising expressions.
# Numbers: spaces (also non-breaking) are thousands separators; '1.234,56' and '1234,56'
# use a decimal comma; '1234.56' a decimal point. '1.234' is read as 1.234, so it fails
# for money (more than 2 decimal places) instead of silently becoming 1234.
MACROS = rf"""
CREATE OR REPLACE MACRO ebok_txt(x) AS nullif(trim(x), '');
CREATE OR REPLACE MACRO ebok_squash(x) AS regexp_replace(trim(x), '{SPACES}', '', 'g');
CREATE OR REPLACE MACRO ebok_num(x) AS
    CASE
        WHEN regexp_full_match(ebok_squash(x), '[+-]?[0-9]{{1,3}}(\.[0-9]{{3}})+,[0-9]+')
            THEN replace(replace(ebok_squash(x), '.', ''), ',', '.')
        WHEN regexp_full_match(ebok_squash(x), '[+-]?[0-9]+(,[0-9]+)?') THEN replace(ebok_squash(x), ',', '.')
        WHEN regexp_full_match(ebok_squash(x), '[+-]?[0-9]+\.[0-9]+') THEN ebok_squash(x)
    END;
CREATE OR REPLACE MACRO ebok_int(x) AS
    CASE
        WHEN regexp_full_match(x, '-?[0-9]{{1,9}}') THEN CAST(x AS INTEGER)
        WHEN regexp_full_match(ebok_squash(x), '[+-]?[0-9]+') THEN TRY_CAST(ebok_squash(x) AS INTEGER)
    END;
CREATE OR REPLACE MACRO ebok_dec(x) AS
    CASE
        WHEN regexp_full_match(x, '-?[0-9]+([.,][0-9]{{1,2}})?') THEN TRY_CAST(replace(x, ',', '.') AS DECIMAL(14,2))
        WHEN regexp_full_match(ebok_num(x), '[+-]?[0-9]+(\.[0-9]{{1,2}})?')
            THEN TRY_CAST(ebok_num(x) AS DECIMAL(14,2))
    END;
CREATE OR REPLACE MACRO ebok_dec4(x) AS
    CASE
        WHEN regexp_full_match(x, '-?[0-9]+([.,][0-9]{{1,4}})?') THEN TRY_CAST(replace(x, ',', '.') AS DECIMAL(18,4))
        WHEN regexp_full_match(ebok_num(x), '[+-]?[0-9]+(\.[0-9]{{1,4}})?')
            THEN TRY_CAST(ebok_num(x) AS DECIMAL(18,4))
    END;
CREATE OR REPLACE MACRO ebok_date(x) AS
    CASE
        WHEN regexp_full_match(x, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN TRY_CAST(x AS DATE)
        WHEN regexp_full_match(trim(x), '[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}')
            THEN CAST(try_strptime(trim(x), '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match(trim(x), '[0-9]{{1,2}}\.[0-9]{{1,2}}\.[0-9]{{4}}')
            THEN CAST(try_strptime(trim(x), '%d.%m.%Y') AS DATE)
    END;
CREATE OR REPLACE MACRO ebok_datetime(x) AS
    CASE
        WHEN regexp_full_match(trim(x),
            '[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}([ T][0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}})?)?')
            THEN try_strptime(replace(trim(x), 'T', ' '),
                ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d'])
        WHEN regexp_full_match(trim(x),
            '[0-9]{{1,2}}\.[0-9]{{1,2}}\.[0-9]{{4}}( [0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}})?)?')
            THEN try_strptime(trim(x), ['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y'])
    END;
CREATE OR REPLACE MACRO ebok_month(x) AS
    CASE
        WHEN regexp_full_match(trim(x), '[0-9]{{4}}-[0-9]{{1,2}}')
            THEN CAST(try_strptime(trim(x) || '-01', '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match(trim(x), '[0-9]{{1,2}}\.[0-9]{{4}}')
            THEN CAST(try_strptime('01.' || trim(x), '%d.%m.%Y') AS DATE)
    END;
CREATE OR REPLACE MACRO ebok_bool(x) AS
    CASE
        WHEN lower(trim(x)) IN ({_words(TRUE_WORDS)}) THEN true
        WHEN lower(trim(x)) IN ({_words(FALSE_WORDS)}) THEN false
    END;
CREATE OR REPLACE MACRO ebok_digits(x) AS regexp_replace(upper(trim(x)), '^PL|[^0-9]', '', 'g');
CREATE OR REPLACE MACRO ebok_code_digest(x) AS
    CASE WHEN ebok_txt(x) IS NOT NULL THEN sha256(upper(regexp_replace(trim(x), '[\s-]+', '', 'g'))) END;
"""

# Contract type -> macro producing the typed value.
PARSERS = {
    "str": "ebok_txt",
    "int": "ebok_int",
    "dec": "ebok_dec",
    "dec4": "ebok_dec4",
    "date": "ebok_date",
    "datetime": "ebok_datetime",
    "month": "ebok_month",
    "bool": "ebok_bool",
}
BAD_CODES = {
    "int": "bad_int",
    "dec": "bad_dec",
    "dec4": "bad_dec",
    "date": "bad_date",
    "datetime": "bad_datetime",
    "month": "bad_month",
    "bool": "bad_bool",
}


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the parsing macros on CON."""
    for statement in MACROS.split(";\n"):
        if statement.strip():
            con.execute(statement)
