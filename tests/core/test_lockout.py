"""Sign-in lockout (django-axes): ten wrong passwords for one account from one address lock
that pair for fifteen minutes, said with 429, Retry-After and a page in the reader's language;
the same account from another address, and other accounts, still sign in."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def amina():
    user = UserFactory(username="amina")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": "amina", "password": password})


def test_ten_wrong_passwords_lock_the_account_from_that_address(amina):
    here = Client(REMOTE_ADDR="198.51.100.7")

    wrong = [_sign_in(here, "guess") for _ in range(10)]
    locked = _sign_in(here, PASSWORD)
    elsewhere = _sign_in(Client(REMOTE_ADDR="203.0.113.50"), PASSWORD)

    assert [r.status_code for r in wrong[:9]] == [200] * 9  # the form again, with its error
    assert wrong[9].status_code == 429
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Wait 15 minutes, then sign in again." in locked.content.decode()
    assert "_auth_user_id" not in here.session
    assert elsewhere.status_code == 302  # signed in


def test_the_back_office_login_is_locked_the_same_way(amina):
    here = Client(REMOTE_ADDR="198.51.100.8")

    answers = [_sign_in(here, "guess", "/admin/login/") for _ in range(11)]

    assert answers[-1].status_code == 429


def test_a_success_clears_the_count(amina):
    here = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(9):
        _sign_in(here, "guess")
    assert _sign_in(here, PASSWORD).status_code == 302
    here.logout()

    again = [_sign_in(here, "guess") for _ in range(9)]

    assert {r.status_code for r in again} == {200}


def test_the_lockout_page_speaks_the_readers_language(amina):
    here = Client(REMOTE_ADDR="198.51.100.10", HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(10):
        here.post("/ru/accounts/login/", {"username": "amina", "password": "guess"})

    locked = here.post("/ru/accounts/login/", {"username": "amina", "password": PASSWORD})

    assert locked.status_code == 429
    assert 'lang="ru"' in locked.content.decode()
