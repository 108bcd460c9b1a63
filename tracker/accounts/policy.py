"""The password policy for new passwords (OWASP ASVS 5.0 level 2, V6.2).

At least 12 characters, at most 1024, any characters allowed, no composition rules, and not a
common, breached or easily guessed password: zxcvbn (its dictionaries of common passwords,
words, names and keyboard patterns) must rate it at least 3 of 4. Only new passwords are
checked; an existing password keeps signing in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from zxcvbn import zxcvbn

from tracker.errors import N_, ValidationError

PASSWORD_MIN = 12
PASSWORD_MAX = 1024
MIN_SCORE = 3
RATED_CHARS = 64  # zxcvbn's cost grows fast with length; a longer prefix adds no information


def check_new_password(password: object, user_inputs: Iterable[str] = ()) -> str:
    """The password if it may be set, else a ValidationError saying why."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise ValidationError(N_("A password needs at least %(n)s characters."), n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise ValidationError(N_("That password is too long."))
    text = unicodedata.normalize("NFKC", password)
    if not text.strip() or any(unicodedata.category(c) == "Cc" for c in text):
        raise ValidationError(N_("A password cannot be blank or hold control characters."))
    inputs = [i for i in user_inputs if i] + ["tracker", "accountability"]
    if zxcvbn(text[:RATED_CHARS], user_inputs=inputs)["score"] < MIN_SCORE:
        raise ValidationError(N_("This password is too common or too easy to guess; "
                                 "a few unrelated words make a strong one."))
    return password
