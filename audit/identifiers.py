"""Legal identifiers of the entities a register names (pure): the Legal Entity Identifier.

An LEI (ISO 17442) is 20 characters: 18 of upper-case letters and digits, then two check digits
computed as in ISO 7064 MOD 97-10 (the scheme IBANs use). Each letter becomes two digits (A = 10
to Z = 35), and the whole number taken modulo 97 is 1 for a valid LEI. The check catches every
wrong digit and every swap of two neighbouring digits, and almost every other slip (a wrong
letter, a letter swapped with its neighbour): about one in 97 of those goes unseen. The DORA
register of information names entities by LEI (Commission Implementing Regulation (EU)
2024/2956), so an LEI with wrong check digits has no place in it.
"""

from __future__ import annotations

import re

LEI = re.compile(r"[0-9A-Z]{18}[0-9]{2}")


def _number(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def lei_check_digits(prefix: str) -> str:
    """The two check digits for an LEI's first 18 characters."""
    if not re.fullmatch(r"[0-9A-Z]{18}", prefix):
        raise ValueError("an LEI's first 18 characters are capital letters and digits")
    return f"{98 - _number(prefix + '00') % 97:02d}"


def lei_problem(value: str) -> str | None:
    """Why `value` is not an LEI, in words, or None when it is one."""
    if not isinstance(value, str) or len(value) != 20:
        return "an LEI has 20 characters"
    if not LEI.fullmatch(value):
        return "an LEI is 18 capital letters or digits followed by 2 check digits"
    if _number(value) % 97 != 1:  # the digits are not recomputed for the user: the slip is
        # as likely in the first 18 characters, and new check digits would hide it
        return (
            f"{value} fails its ISO 17442 check digits: a character is mistyped; "
            "copy the LEI from the GLEIF register"
        )
    return None
