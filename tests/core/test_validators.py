"""Hidden formatting characters are refused in names and titles."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.core.validators import (
    INVISIBLE_CHARACTERS_MESSAGE,
    has_invisible_characters,
    refuse_invisible_characters,
)

HIDDEN = [
    *[chr(c) for c in range(0x202A, 0x202F)],  # bidirectional embeddings and overrides
    *[chr(c) for c in range(0x2066, 0x206A)],  # bidirectional isolates
    *[chr(c) for c in range(0x200B, 0x2010)],  # zero-width space, joiners, LRM, RLM
    *[chr(c) for c in range(0x2060, 0x2065)],  # word joiner, invisible operators
    "\ufeff",  # zero-width no-break space (byte order mark)
    "\u00ad",  # soft hyphen
    "\u061c",  # Arabic letter mark
]


@pytest.mark.parametrize("hidden", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_hidden_characters_are_refused(hidden, where):
    name = {"start": f"{hidden}NHS England", "middle": f"NHS{hidden} England"}.get(
        where, f"NHS England{hidden}"
    )
    assert has_invisible_characters(name)
    with pytest.raises(ValidationError) as info:
        refuse_invisible_characters(name)
    assert info.value.messages == [INVISIBLE_CHARACTERS_MESSAGE]
    assert INVISIBLE_CHARACTERS_MESSAGE == (
        "Remove hidden formatting characters from the name "
        "(they can make text display in a misleading order)"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Bright Sparks Ltd",
        "Ffion’s Café",
        "Ōtautahi Tech",
        "北京科技",
        "شركة التقنية",
        "O'Neill & Co.",
        "",
    ],
)
def test_ordinary_names_in_any_script_pass(name):
    assert not has_invisible_characters(name)
    refuse_invisible_characters(name)


@pytest.mark.django_db
def test_signup_full_name_refuses_hidden_characters():
    from marketplace.accounts.forms import SignupForm

    form = SignupForm(
        {
            "full_name": "Ann\u202eee",
            "email": "ann@example.org",
            "password1": "a long password 123",
            "password2": "a long password 123",
        }
    )
    assert not form.is_valid()
    assert form.errors["full_name"] == [INVISIBLE_CHARACTERS_MESSAGE]
