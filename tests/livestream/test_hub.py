"""One channel per process and event (livestream.hub): the sockets of a process share it, every
one of them gets every update in order, a socket busy or slow holds back no other, and the
channel leaves the group once its last socket has gone."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from livestream import hub
from livestream.groups import event_group
from tests.livestream.test_connect_storm import connect, delay, live_event

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]


async def _members(group: str) -> int:
    """The channels in the group, in the in-memory layer or in Redis (channels-redis)."""
    layer = get_channel_layer()
    if hasattr(layer, "groups"):
        return len(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(layer._group_key(group))  # noqa: SLF001


async def test_the_sockets_of_a_process_share_one_channel_and_all_get_each_update():
    session = await live_event()
    sockets = [(await connect())[0] for _ in range(12)]

    await delay(session, 5)
    await delay(session, 10)
    received = [
        [(await s.receive_json_from(timeout=5))["sequence"] for _ in range(2)] for s in sockets
    ]

    assert await _members(event_group(session.event_id)) == 1
    assert len({tuple(r) for r in received}) == 1 and received[0][1] == received[0][0] + 1
    for socket in sockets:
        await socket.disconnect()


async def test_the_channel_leaves_the_group_after_the_last_socket(monkeypatch):
    monkeypatch.setattr(hub, "GRACE", 0.05)
    session = await live_event()
    socket, _ = await connect()
    group = event_group(session.event_id)
    assert await _members(group) == 1

    await socket.disconnect()
    for _ in range(50):
        if not await _members(group):
            break
        await asyncio.sleep(0.02)

    assert await _members(group) == 0


class _Recorder:
    def __init__(self, blocked: asyncio.Event | None = None):
        self.got: list[int] = []
        self.blocked = blocked
        self.lock = asyncio.Lock()

    def take(self, message: dict) -> None:
        hub.start(self._deliver(message["n"]))

    async def _deliver(self, n: int) -> None:
        async with self.lock:
            if self.blocked is not None and not self.blocked.is_set():
                await self.blocked.wait()  # a client whose connection stalls
            self.got.append(n)


async def test_a_stalled_watcher_holds_back_no_other_and_keeps_its_order():
    layer = get_channel_layer()
    released = asyncio.Event()
    stalled, quick = _Recorder(released), _Recorder()
    await hub.join("hub-test", stalled)
    await hub.join("hub-test", quick)

    for n in range(1, 4):
        await layer.group_send("hub-test", {"type": "test", "n": n})
    for _ in range(50):
        if len(quick.got) == 3:
            break
        await asyncio.sleep(0.01)
    assert quick.got == [1, 2, 3] and stalled.got == []

    released.set()
    for _ in range(50):
        if len(stalled.got) == 3:
            break
        await asyncio.sleep(0.01)
    assert stalled.got == [1, 2, 3]
    hub.leave("hub-test", stalled)
    hub.leave("hub-test", quick)


async def test_a_delivery_that_fails_is_logged_and_the_others_go_on(caplog):
    class Broken:
        def take(self, message):
            raise RuntimeError("broken")

    layer, quick = get_channel_layer(), _Recorder()
    await hub.join("hub-test-2", Broken())
    await hub.join("hub-test-2", quick)

    await layer.group_send("hub-test-2", {"type": "test", "n": 1})
    for _ in range(50):
        if quick.got:
            break
        await asyncio.sleep(0.01)

    assert quick.got == [1]
    assert "A live watcher failed" in caplog.text
