"""Every page carries the Content-Security-Policy (django-csp): scripts from this site only, no
inline script, no framing. In a real browser: tests/browser/test_content_security_policy.py."""

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives if name}


@pytest.mark.parametrize(
    "path", ["/", "/events/seminar/", "/events/seminar/register/", "/accounts/login/"]
)
def test_pages_carry_a_policy_without_inline_script(client, event, path):
    response = client.get(path)

    policy = _policy(response)
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
