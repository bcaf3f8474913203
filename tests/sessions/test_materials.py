"""Adding and removing materials: who may (organisers for any session and the event, a session's
chairs and speakers for theirs), what files are accepted (extension and first bytes, the size
limit), links, removal deleting the stored file; the lists on the session and event pages; the
API's lists; the Frab exports carrying public materials."""

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from confman.core.exceptions import InvalidInput
from sessions.materials import clean_filename
from sessions.models import Material, RoleKind
from sessions.services.materials import material_add, material_remove
from sessions.services.programme import programme_publish
from tests.factories import PersonFactory, SessionFactory, SessionRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def add(session, /, *, by, **fields):
    """A material on `session`, added `by` someone."""
    return material_add(event=session.event, session=session, by=by, **fields)


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<presentation/>")
    return buffer.getvalue()


def upload(name="slides.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def session(event):
    session = SessionFactory(event=event, title="Opening panel")
    programme_publish(event=event, by=None)
    return session


def _person(session, role, username):
    user = UserFactory(username=username)
    SessionRoleFactory(
        session=session, role=role, person=PersonFactory(event=session.event, user=user)
    )
    return user


@pytest.fixture
def chair(session):
    return _person(session, RoleKind.CHAIR, "chair")


@pytest.fixture
def speaker(session):
    return _person(session, RoleKind.SPEAKER, "speaker")


def page(session):
    return f"/events/seminar/sessions/{session.pk}/materials/"


def form(**fields):
    return {
        "kind": "slides",
        "title": "Keynote slides",
        "audience": "public",
        "order": "0",
        **fields,
    }


# --- who may add ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["organiser", "chair", "speaker"])
def test_organisers_chairs_and_speakers_add_a_file(client, request, session, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(page(session), form(file=upload("Keynote: the/slides.pdf")))

    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.session, material.added_by) == (session, request.getfixturevalue(who))
    assert material.filename == "slides.pdf"
    assert material.content_type == "application/pdf"
    assert material.size == len(PDF)
    assert default_storage.open(material.file.name).read() == PDF
    assert "slides" not in material.file.name  # the stored name says nothing


def test_anonymous_is_sent_to_sign_in_and_outsiders_are_refused(client, session, outsider):
    anonymous = client.get(page(session))
    client.force_login(outsider)
    refused = client.post(page(session), form(file=upload()))

    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert refused.status_code == 403
    assert "chairs and speakers" in refused.content.decode()
    assert not Material.objects.exists()


def test_a_rapporteur_and_checkin_staff_may_not_add(client, session, checkin_staff):
    rapporteur = _person(session, RoleKind.RAPPORTEUR, "rapporteur")
    for user in (rapporteur, checkin_staff):
        client.force_login(user)
        assert client.post(page(session), form(file=upload())).status_code == 403
    assert not Material.objects.exists()


def test_a_speaker_may_not_add_to_another_session_or_the_event(client, event, session, speaker):
    other = SessionFactory(event=event, title="Closing")
    client.force_login(speaker)

    assert client.post(page(other), form(file=upload())).status_code == 403
    assert client.post("/events/seminar/manage/materials/", form(file=upload())).status_code == 403


def test_organiser_adds_an_event_material_shown_on_the_event_page(client, event, organiser):
    client.force_login(organiser)

    response = client.post(
        "/events/seminar/manage/materials/",
        form(kind="document", title="Outcome declaration", file=upload("declaration.pdf")),
    )
    event_page = client.get("/events/seminar/").content.decode()

    assert response.status_code == 302
    material = Material.objects.get()
    assert material.session is None
    assert "Outcome declaration" in event_page
    assert f"/events/seminar/materials/{material.pk}/" in event_page


def test_a_recording_is_a_link(client, session, organiser):
    client.force_login(organiser)

    response = client.post(
        page(session),
        form(kind="recording", title="Recording", url="https://video.example.org/v/1"),
    )

    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.url, material.file.name) == ("https://video.example.org/v/1", "")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "http://video.example.org/v/1"}, "url", "https://"),
        ({}, "file", "Choose a file"),
        ({"kind": "recording", "file": "FILE"}, "url", "not a file"),
        ({"url": "https://example.org/a", "file": "FILE"}, "url", "not both"),
    ],
)
def test_a_file_or_an_https_link_is_needed(client, session, organiser, fields, field, message):
    client.force_login(organiser)
    fields = {k: upload() if v == "FILE" else v for k, v in fields.items()}

    response = client.post(page(session), form(**fields))

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert not Material.objects.exists()


def test_a_file_over_the_size_limit_is_a_form_error(client, session, organiser, settings):
    settings.MATERIAL_MAX_BYTES = 20
    client.force_login(organiser)

    response = client.post(page(session), form(file=upload(content=PDF + b"x" * 40)))

    assert response.status_code == 422
    assert "the limit is" in " ".join(response.context["form"].errors["file"])
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.pdf", b"MZ\x90\x00 an executable"),  # not what the extension says
        ("photo.png", PDF),
        ("slides.pptx", b"PK\x03\x04 not really a zip"),
        ("notes.txt", b"text\x00with a NUL"),
        ("page.html", b"<html><script>alert(1)</script>"),  # not on the list
        ("noextension", PDF),
    ],
)
def test_a_file_of_another_type_is_refused_naming_the_accepted_ones(
    client, session, organiser, name, content
):
    client.force_login(organiser)

    response = client.post(page(session), form(file=upload(name, content, "application/pdf")))

    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors["file"])
    assert ".pdf, .pptx" in errors
    assert not Material.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("file"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "deck.pptx",
            pptx_bytes(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("group photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("list.csv", "name,country\nAïcha,SN\n".encode(), "text/csv; charset=utf-8"),
    ],
)
def test_accepted_types_take_their_content_type_from_the_list(
    session, organiser, name, content, content_type
):
    material = add(
        session,
        by=organiser,
        kind="photos",
        title="A file",
        file=upload(name, content, "application/x-evil"),
    )

    assert material.content_type == content_type


def test_filenames_are_cleaned():
    assert (
        clean_filename("C:\\Users\\me\\Déclaration finale.PDF", "pdf") == "Déclaration finale.pdf"
    )
    assert clean_filename('../../"evil"\x00\n.pdf', "pdf") == "evil.pdf"
    assert clean_filename("....pdf", "pdf") == "material.pdf"


def test_adding_twice_is_idempotent(session, organiser):
    first = material_add(
        event=session.event, session=session, by=organiser, kind="slides", title="S", file=upload()
    )
    second = material_add(
        event=session.event, session=session, by=organiser, kind="slides", title="S", file=upload()
    )
    link = {"kind": "recording", "title": "R", "url": "https://video.example.org/1"}
    third = material_add(event=session.event, session=session, by=organiser, **link)
    fourth = material_add(event=session.event, session=session, by=organiser, **link)

    assert first.pk == second.pk and third.pk == fourth.pk
    assert Material.objects.count() == 2


# --- removing ------------------------------------------------------------------------------


def test_removing_deletes_the_stored_file(
    client, session, chair, django_capture_on_commit_callbacks
):
    material = material_add(
        event=session.event, session=session, by=chair, kind="slides", title="S", file=upload()
    )
    stored = material.file.name
    client.force_login(chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/seminar/manage/materials/{material.pk}/remove/")

    assert response.status_code == 302 and response["Location"] == page(session)
    assert not Material.objects.exists()
    assert not default_storage.exists(stored)


def test_outsiders_may_not_remove(client, session, organiser, outsider):
    material = material_add(
        event=session.event, session=session, by=organiser, kind="slides", title="S", file=upload()
    )
    client.force_login(outsider)

    response = client.post(f"/events/seminar/manage/materials/{material.pk}/remove/")

    assert response.status_code == 403
    assert Material.objects.filter(pk=material.pk).exists()
    assert default_storage.exists(material.file.name)


def test_removing_twice_is_no_error(session, organiser):
    material = material_add(
        event=session.event, session=session, by=organiser, kind="slides", title="S", file=upload()
    )
    material_remove(material=material, by=organiser)
    material_remove(material=material, by=organiser)

    assert not Material.objects.exists()


# --- pages ---------------------------------------------------------------------------------


def test_session_page_lists_materials_with_size_type_and_lock(client, session, organiser, chair):
    add(
        session,
        by=organiser,
        kind="slides",
        title="Slides",
        file=upload(),
    )
    add(
        session,
        by=organiser,
        kind="recording",
        title="Recording",
        url="https://video.example.org/1",
        audience="participants",
    )

    public = client.get(f"/events/seminar/sessions/{session.pk}/").content.decode()
    client.force_login(chair)
    as_chair = client.get(f"/events/seminar/sessions/{session.pk}/").content.decode()

    assert "Slides" in public and "PDF" in public and "bytes" in public
    assert "Participants only" in public
    assert "https://video.example.org/1" not in public  # only through the download view
    assert page(session) not in public
    assert page(session) in as_chair


def test_session_page_costs_the_same_queries_with_more_materials(
    client, session, organiser, django_assert_num_queries
):
    def add_links(count):
        for n in range(count):
            add(
                session,
                by=organiser,
                kind="link",
                title=f"Link {n}",
                url=f"https://example.org/{Material.objects.count()}",
            )

    url = f"/events/seminar/sessions/{session.pk}/"
    add_links(1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add_links(3)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_builder_links_to_the_event_materials(client, session, organiser):
    client.force_login(organiser)

    assert (
        "/events/seminar/manage/materials/"
        in client.get("/events/seminar/manage/agenda/").content.decode()
    )


# --- exports -------------------------------------------------------------------------------


def _public_and_private(session, organiser):
    add(
        session,
        by=organiser,
        kind="slides",
        title="Slides",
        file=upload(),
    )
    add(
        session,
        by=organiser,
        kind="recording",
        title="Recording",
        url="https://video.example.org/1",
    )
    add(
        session,
        by=organiser,
        kind="document",
        title="Secret notes",
        file=upload("notes.pdf"),
        audience="participants",
    )
    return Material.objects.get(title="Slides")


def test_frab_xml_carries_public_attachments_and_links_and_stays_valid(client, session, organiser):
    slides = _public_and_private(session, organiser)
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / "frab-schedule.xml.xsd")))

    document = etree.fromstring(client.get("/events/seminar/schedule.xml").content)

    assert schema.validate(document), schema.error_log
    attachments = document.findall(".//event/attachments/attachment")
    links = document.findall(".//event/links/link")
    assert [(a.get("href"), a.text) for a in attachments] == [
        (f"{settings.SITE_URL}/events/seminar/materials/{slides.pk}/", "Slides")
    ]
    assert [(a.get("href"), a.text) for a in links] == [
        ("https://video.example.org/1", "Recording")
    ]


def test_frab_json_carries_public_attachments_and_links_and_stays_valid(client, session, organiser):
    slides = _public_and_private(session, organiser)
    schema = json.loads((FIXTURES / "frab-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())

    document = client.get("/events/seminar/schedule.json").json()

    validator.validate(document)
    (item,) = [
        s for room in document["schedule"]["conference"]["days"][0]["rooms"].values() for s in room
    ]
    assert item["attachments"] == [
        {
            "url": f"{settings.SITE_URL}/events/seminar/materials/{slides.pk}/",
            "title": "Slides",
            "type": "slides",
        }
    ]
    assert item["links"] == [
        {"url": "https://video.example.org/1", "title": "Recording", "type": "media"}
    ]


def test_a_new_public_material_changes_the_cached_export(client, session, organiser):
    before = client.get("/events/seminar/schedule.xml")
    add(
        session,
        by=organiser,
        kind="slides",
        title="Late slides",
        file=upload(),
    )
    after = client.get("/events/seminar/schedule.xml")

    assert before["ETag"] != after["ETag"]
    assert b"Late slides" in after.content


# --- API -----------------------------------------------------------------------------------


def test_api_lists_public_materials_to_everyone_and_all_to_the_team(
    client, session, organiser, token_for
):
    _public_and_private(session, organiser)
    material_add(
        event=session.event, by=organiser, kind="document", title="Declaration", file=upload()
    )
    url = f"/api/events/seminar/sessions/{session.pk}/materials"

    public = client.get(url).json()
    team = client.get(url, headers={"Authorization": f"Bearer {token_for(organiser)}"}).json()
    of_event = client.get("/api/events/seminar/materials").json()

    assert [m["title"] for m in public] == ["Slides", "Recording"]
    assert [m["title"] for m in team] == ["Slides", "Recording", "Secret notes"]
    slides = public[0]
    assert slides == {
        "id": slides["id"],
        "kind": "slides",
        "title": "Slides",
        "url": f"{settings.SITE_URL}/events/seminar/materials/{slides['id']}/",
        "filename": "slides.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "audience": "public",
        "language": "",
        "session_id": session.pk,
    }
    assert public[1]["url"] == "https://video.example.org/1"
    assert [(m["title"], m["session_id"]) for m in of_event] == [("Declaration", None)]


# --- live page -----------------------------------------------------------------------------


def test_live_page_shows_the_materials_of_sessions_that_ended(client, event, organiser):
    from datetime import timedelta

    from django.utils import timezone

    from registrations.links import magic_token
    from tests.factories.registrations import RegistrationFactory, TicketTypeFactory

    now = timezone.now()
    ended = SessionFactory(
        event=event,
        title="Morning plenary",
        start=now - timedelta(hours=3),
        end=now - timedelta(hours=2),
    )
    running = SessionFactory(
        event=event,
        title="Afternoon panel",
        start=now - timedelta(minutes=30),
        end=now + timedelta(hours=1),
    )
    programme_publish(event=event, by=None)
    for session in (ended, running):
        material_add(
            event=event,
            session=session,
            by=organiser,
            kind="slides",
            title=f"Slides of {session.title}",
            file=upload(),
            audience="participants",
        )
    token = magic_token(RegistrationFactory(ticket=TicketTypeFactory(event=event)))

    page = client.get(f"/events/seminar/live/?r={token}").content.decode()

    assert "Slides of Morning plenary" in page
    assert "Slides of Afternoon panel" not in page
    assert "Participants only" in page
    assert f"?r={token}" in page


def test_an_opendocument_is_recognised_by_its_mimetype_entry(session, organiser):
    def odf(mimetype: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("mimetype", mimetype)
            archive.writestr("content.xml", "<office/>")
        return buffer.getvalue()

    presentation = odf("application/vnd.oasis.opendocument.presentation")
    material = add(
        session,
        by=organiser,
        kind="slides",
        title="Deck",
        file=upload("deck.odp", presentation),
    )
    with pytest.raises(InvalidInput):
        add(
            session,
            by=organiser,
            kind="document",
            title="Text",
            file=upload("text.odt", presentation),
        )

    assert material.content_type == "application/vnd.oasis.opendocument.presentation"


def test_the_title_is_given_in_each_of_the_events_languages(client, event, session, organiser):
    event.languages = ["en", "fr"]
    event.save(update_fields=["languages"])
    client.force_login(organiser)
    fields = form(title_0="Slides", title_1="Diapositives", language="fr", file=upload())
    del fields["title"]

    empty = client.get(page(session))
    response = client.post(page(session), fields)

    assert 'name="title_1"' in empty.content.decode()
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.title.translations == {"en": "Slides", "fr": "Diapositives"}
    assert material.language == "fr"
