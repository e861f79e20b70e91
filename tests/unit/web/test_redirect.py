"""The redirect to a gateway: only http(s) addresses, never a way out of the script's string."""

from __future__ import annotations

import json
import re

import pytest

from ebok.web import redirect


@pytest.mark.parametrize(
    "url,ok",
    [("https://secure.przelewy24.pl/trnRequest/ABC", True), ("http://127.0.0.1:8765/trnRequest/X", True),
     ("javascript:alert(1)", False), ("/platnosc", False), ("https:///x", False), ("", False)],
)  # fmt: skip
def test_safe_url(url, ok):
    assert redirect.safe_url(url) is ok


def test_script_cannot_be_broken_out_of():
    url = 'https://pay.example/x?a="</script><script>alert(1)</script>'
    script = redirect.script(url)
    assert script.count("</script>") == 1 and script.endswith("</script>")
    literal = re.fullmatch(r"<script>window\.location\.assign\((.*)\);</script>", script).group(1)
    assert json.loads(literal.replace("<\\/", "</")) == url
