"""ebok.core.errors: one error type that carries every refused field."""

from __future__ import annotations

import pytest

from ebok.core.errors import FormError, Problem, Problems


def test_form_error_keeps_every_problem_in_order():
    err = FormError([Problem("E-mail", "nieprawidłowy adres."), Problem("Telefon", "za krótki.")])
    assert err.messages == ["E-mail: nieprawidłowy adres.", "Telefon: za krótki."]
    assert err.fields == {"E-mail", "Telefon"}
    assert str(err) == "E-mail: nieprawidłowy adres.\nTelefon: za krótki."


def test_a_whole_form_problem_has_no_field_prefix():
    assert FormError.one("", "Formularz wygasł.").messages == ["Formularz wygasł."]


def test_problems_collects_then_raises_once():
    problems = Problems()
    problems.raise_if_any()  # nothing recorded: no error
    problems.add("Login", "jest zajęty.")
    problems.extend(FormError.one("Hasło", "za krótkie."))
    with pytest.raises(FormError) as caught:
        problems.raise_if_any()
    assert caught.value.messages == ["Login: jest zajęty.", "Hasło: za krótkie."]
