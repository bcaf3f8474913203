"""The API as a whole (confman/api.py): its OpenAPI document, its docs page, and its errors in JSON
even when Django answers before the API (a Host it does not serve, a server error)."""

import json

import pytest
from openapi_spec_validator import validate

from confman.api import server_error

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_openapi_3(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/events" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert {"ApiTokenAuth": []} in schema["paths"]["/api/events/{slug}"]["patch"]["security"]
    assert "security" not in schema["paths"]["/api/events/{slug}"]["get"]


def test_api_docs_page_renders(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content


def test_operation_ids_are_the_operations_names_and_unique(client):
    schema = client.get("/api/openapi.json").json()
    ids = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    ]

    assert len(ids) == len(set(ids))
    assert {"create_registration", "create_checkin", "list_sessions", "get_live"} <= set(ids)
    assert not [i for i in ids if i.startswith(("events_", "sessions_", "registrations_"))]


def test_the_schema_documents_the_errors_each_operation_can_answer(client):
    schema = client.get("/api/openapi.json").json()
    operations = {
        spec["operationId"]: (path, method, spec["responses"])
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}
    for name, (path, _method, responses) in operations.items():
        assert {"400", "401", "422", "503"} <= set(responses), name
        assert responses["422"]["content"] == error, name
        if "{" in path:
            assert "404" in responses, name
    assert {"403", "409", "429"} <= set(operations["create_registration"][2])
    assert {"403", "409", "429"} <= set(operations["create_checkin"][2])
    assert "429" not in operations["list_sessions"][2]
    assert {"401", "403", "404"} <= set(operations["update_session"][2])
    # Operations of routers mounted in routers are found too: a guarded read says 403.
    assert "403" in operations["list_people"][2] or "403" in operations["get_person"][2]


# What null empties in each PATCH body; every other field is left out to keep its value.
NULLABLE_IN_PATCH = {
    "EventPatch": {"venue_id"},
    "RoomPatch": {"capacity"},
    "TrackPatch": set(),
    "SessionPatch": {"track_id", "room_id", "start", "end"},
    "PersonPatch": {"organization_id"},
}


def test_a_patch_body_lets_only_the_fields_it_can_empty_be_null(client):
    schema = client.get("/api/openapi.json").json()
    bodies = {
        spec["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for methods in schema["paths"].values()
        for method, spec in methods.items()
        if method == "patch"
    }

    assert bodies == set(NULLABLE_IN_PATCH)
    for name, nullable in NULLABLE_IN_PATCH.items():
        fields = schema["components"]["schemas"][name]["properties"]
        takes_null = {
            field for field, spec in fields.items() if {"type": "null"} in spec.get("anyOf", [])
        }
        assert takes_null == nullable, name


def test_a_request_refused_before_any_view_is_answered_in_json(client):
    response = client.get("/api/events", headers={"host": "elsewhere.example"})

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    page = client.get("/events/", headers={"host": "elsewhere.example"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_answered_in_json(rf):
    assert json.loads(server_error(rf.get("/api/events")).content)["code"] == "server_error"
    assert server_error(rf.get("/events/"))["Content-Type"].startswith("text/html")
