"""A model's own validation (fields, choices, constraints) as one 422 that names each field."""

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from confman.core.exceptions import Conflict, InvalidInput

logger = logging.getLogger(__name__)


def validation_problems(
    error: ValidationError, constraint_fields: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """Messages per field; a broken constraint is put on the field it is about, as
    `constraint_fields` (violation code -> field; each app's models have one) says, else on
    "request"."""
    constraint_fields = constraint_fields or {}
    problems: dict[str, list[str]] = {}
    by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    for field, errors in by_field.items():
        for e in errors:
            where = constraint_fields.get(e.code, "request") if field == NON_FIELD_ERRORS else field
            problems.setdefault(where, []).extend(e.messages)
    return problems


def validate(
    instance: models.Model,
    constraint_fields: dict[str, str] | None = None,
    *,
    constraints: bool = True,
) -> None:
    """Run the model's validation; what is wrong becomes one InvalidInput (422) naming each
    field. With constraints=False the model's constraints are left to the database: for a hot
    path whose code has set or checked those values itself (Django checks each constraint with
    a query of its own)."""
    try:
        instance.full_clean(validate_constraints=constraints)
    except ValidationError as exc:
        raise InvalidInput.for_fields(validation_problems(exc, constraint_fields)) from None


def validated_save(
    instance: models.Model, constraint_fields: dict[str, str] | None = None, **save_kwargs: Any
) -> models.Model:
    """validate() and save, a concurrent clash being a 409."""
    validate(instance, constraint_fields)
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError:
        # A concurrent write slipped past full_clean's checks: a clash, not a server fault.
        logger.info("IntegrityError saving %r", instance, exc_info=True)
        raise Conflict(
            _("This %(thing)s clashes with one saved a moment ago; reload and try again.")
            % {"thing": instance._meta.verbose_name}
        ) from None
    return instance
