from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from confman.core.auth import user_for_token
from events.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_token():
    user = UserFactory(username="wang")
    out = StringIO()

    call_command(
        "create_api_token",
        "wang",
        "--name",
        "scanner",
        "--days",
        "30",
        stdout=out,
        stderr=StringIO(),
    )

    plaintext = out.getvalue().strip()
    assert plaintext.startswith("cm_")
    assert user_for_token(plaintext) == user
    assert ApiToken.objects.get().expires_at is not None


def test_create_api_token_for_unknown_user_says_so():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("create_api_token", "ghost")
