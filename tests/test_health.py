import pytest


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_channel_layer_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["channel_layer"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_channel_layer_is_down(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["channel_layer"]["status"] == "down"
    assert body["channel_layer"]["error"]
    assert body["database"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_database_is_down(client, unreachable_database):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"]["status"] == "down"
    assert body["channel_layer"]["status"] == "ok"
