"""ebok.core.fmt.nrb: the one way an account number is shown (bills, statements, transfer details, demo PDFs)."""

from ebok.core import fmt


def test_nrb_groups_two_then_fours():
    assert fmt.nrb("61109010140000071219812874") == "61 1090 1014 0000 0712 1981 2874"


def test_nrb_drops_spaces_dashes_and_country_code():
    assert fmt.nrb("61 1090-1014 0000 0712 1981 2874") == "61 1090 1014 0000 0712 1981 2874"
    assert fmt.nrb("PL61109010140000071219812874") == "61 1090 1014 0000 0712 1981 2874"


def test_nrb_without_digits_is_empty():
    assert fmt.nrb("") == ""
    assert fmt.nrb(None) == ""
    assert fmt.nrb(" - ") == ""
