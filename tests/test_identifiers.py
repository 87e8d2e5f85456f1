"""LEIs (ISO 17442): real ones validate, generated ones validate, and a wrong digit or a swap of
neighbouring digits is always caught (what MOD 97-10 guarantees), with the correct check digits
named."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audit.identifiers import lei_check_digits, lei_problem

REAL = [
    "5493001KJTIIGC8Y1R12",  # Bloomberg Finance L.P.
    "529900T8BM49AURSDO55",  # Deutsche Börse AG
    "7LTWFZYICNSX8D621K86",  # Deutsche Bank AG
    "HWUPKR0MPOU8FGXBT394",  # Apple Inc.
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_real_leis_are_valid() -> None:
    for lei in REAL:
        assert lei_problem(lei) is None, lei
        assert lei_check_digits(lei[:18]) == lei[18:]


def test_malformed_leis_are_refused_in_words() -> None:
    assert lei_problem("5493001KJTIIGC8Y1R1") == "an LEI has 20 characters"
    assert "18 capital letters" in (lei_problem("5493001kjtiigc8y1r12") or "")
    assert lei_problem("5493001KJTIIGC8Y1R13") == (
        "5493001KJTIIGC8Y1R13 fails its ISO 17442 check digits: a character is mistyped; "
        "copy the LEI from the GLEIF register"
    )


prefixes = st.text(alphabet=ALPHABET, min_size=18, max_size=18)


@given(prefixes, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789"))
def test_generated_leis_validate_and_one_wrong_digit_is_caught(
    prefix: str, position: int, other: str
) -> None:
    lei = prefix + lei_check_digits(prefix)
    assert lei_problem(lei) is None
    if other != prefix[position] and prefix[position].isdigit():
        changed = prefix[:position] + other + prefix[position + 1 :] + lei[18:]
        assert lei_problem(changed) is not None


@given(prefixes, st.integers(min_value=0, max_value=16))
def test_a_swap_of_neighbours_is_caught(prefix: str, position: int) -> None:
    lei = prefix + lei_check_digits(prefix)
    a, b = lei[position], lei[position + 1]
    if a != b and a.isdigit() and b.isdigit():
        swapped = lei[:position] + b + a + lei[position + 2 :]
        assert lei_problem(swapped) is not None
