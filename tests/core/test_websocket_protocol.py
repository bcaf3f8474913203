"""The websocket_protocol fast path against uvicorn's own protocol, through a real uvicorn server
on loopback: the same messages either way, compressed when the client asks, and no zlib state
kept between messages (uvicorn's own keeps a compressor and a decompressor per socket)."""

import asyncio
import contextlib

import pytest
import uvicorn
import websockets
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from confman.core.fastpaths.websocket import WebSocketProtocol

pytestmark = pytest.mark.asyncio

HELLO = '{"type": "hello", "snapshot": ' + '{"room": "Plenary Hall", "now": 1}, ' * 300 + "null}"


async def echo(scope, receive, send):
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": HELLO})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message["text"].upper()})


@contextlib.asynccontextmanager
async def serving(protocol, port: int):
    config = uvicorn.Config(
        echo, host="127.0.0.1", port=port, ws=protocol, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def talk(port: int, compression: str | None) -> tuple[list[str], object, str]:
    async with websockets.connect(f"ws://127.0.0.1:{port}/", compression=compression) as client:
        received = [await client.recv()]
        for word in ("ping", "resume", "watching"):
            await client.send(word)
            received.append(await client.recv())
        header = client.response.headers.get("Sec-WebSocket-Extensions", "")
        return received, client, header


def _server_extension(server):
    (connection,) = server.server_state.connections
    return connection.conn.extensions[0] if connection.conn.extensions else None


@pytest.mark.parametrize("protocol", [WebSocketProtocol, WebSocketsSansIOProtocol])
async def test_the_same_messages_with_and_without_compression(protocol, unused_tcp_port):
    async with serving(protocol, unused_tcp_port):
        compressed, _, header = await talk(unused_tcp_port, "deflate")
        plain, _, plain_header = await talk(unused_tcp_port, None)

    assert compressed == plain == [HELLO, "PING", "RESUME", "WATCHING"]
    assert header.startswith("permessage-deflate") and plain_header == ""


async def test_no_zlib_state_is_kept_between_messages(unused_tcp_port):
    async with (
        serving(WebSocketProtocol, unused_tcp_port) as server,
        websockets.connect(f"ws://127.0.0.1:{unused_tcp_port}/") as client,
    ):
        await client.recv()
        await client.send("ping")
        await client.recv()
        extension = _server_extension(server)
        header = client.response.headers["Sec-WebSocket-Extensions"]

    assert "server_no_context_takeover" in header and "client_no_context_takeover" in header
    assert not hasattr(extension, "encoder") and not hasattr(extension, "decoder")


async def test_switched_off_it_is_uvicorns_own(settings, unused_tcp_port):
    settings.FAST_PATHS = {**settings.FAST_PATHS, "websocket_protocol": False}
    async with (
        serving(WebSocketProtocol, unused_tcp_port) as server,
        websockets.connect(f"ws://127.0.0.1:{unused_tcp_port}/") as client,
    ):
        await client.recv()
        extension = _server_extension(server)
        header = client.response.headers["Sec-WebSocket-Extensions"]

    assert "no_context_takeover" not in header
    assert hasattr(extension, "encoder") and hasattr(extension, "decoder")
