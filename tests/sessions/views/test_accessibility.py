"""Accessibility basics of the programme's pages: one h1 each, labelled filters, and the time
zone switch hidden until its script runs."""

import re

import pytest

from sessions.models import Bookmark
from tests.factories import SessionFactory
from tests.helpers import page, publish
from tests.sessions.views.helpers import (
    AGENDA,
    BUILDER,
    CHAIR,
    MY_AGENDA,
    NEW_SESSION,
    edit_url,
    session_url,
)

pytestmark = pytest.mark.django_db


def test_programme_pages_have_one_h1(client, event, chaired, chair_user, organiser):
    publish(event)
    Bookmark.objects.create(user=chair_user, session=chaired)
    client.force_login(chair_user)
    for url in (AGENDA, session_url(chaired), MY_AGENDA, CHAIR):
        html = page(client.get(url))
        assert html.count("<h1") == 1, url
    client.force_login(organiser)
    for url in (BUILDER, NEW_SESSION, edit_url(chaired)):
        html = page(client.get(url))
        assert html.count("<h1") == 1, url


def test_agenda_filter_controls_have_labels(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA))

    for name in ("q", "track", "kind", "attendance", "room"):
        assert f'<label for="id_{name}">' in html, name
        assert f'id="id_{name}"' in html, name
    assert 'role="search"' in html


@pytest.mark.parametrize("where", ["agenda", "session"])
def test_time_zone_switch_is_there_but_hidden_until_script_runs(client, event, hall, where):
    session = SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA if where == "agenda" else session_url(session)))

    button = re.search(r"<button[^>]*data-tz-switch[^>]*>", html).group(0)
    assert " hidden" in button
    assert 'type="button"' in button
    assert 'data-event-zone="Asia/Shanghai"' in html
    assert "sessions/agenda.js" in html
