"""Labels of choices, read fast.

Django's `get_<field>_display()` rebuilds a dictionary of the field's choices on every call,
hashing each lazy label, which means one translation lookup per choice: on a programme page of
two hundred sessions, a fifth of the time went there. `label_of` asks the choices' enumeration
instead, one dictionary lookup and one translation."""

from django.db import models


def label_of(choices: type[models.Choices], value) -> str:
    """The label of `value` in the active language, like `get_<field>_display()`: the value
    itself when it is not one of the choices."""
    member = choices._value2member_map_.get(value)
    return value if member is None else str(member.label)
