"""The websocket_protocol fast path: uvicorn's WebSocket protocol (websockets' sans-I/O
implementation, uvicorn's default) with per-message compression that keeps no compression state
between messages.

uvicorn negotiates permessage-deflate with context takeover: each socket keeps a zlib compressor
(about 38 KB with uvicorn's settings) and a decompressor (about 7 KB) for its whole life. At
thousands of live sockets per process that is most of their memory: bench/live_fanout.py
measured 77 KB per socket, 46 KB of it zlib's. Without context takeover (RFC 7692's
server_no_context_takeover and client_no_context_takeover, which every browser supports), each
message is compressed on its own and the state is freed after it: the same bytes on the wire
for the live channel's messages, which stand alone (a hello, an update), and no zlib state held
between them.

uvicorn takes it by name: `uvicorn --ws confman.core.fastpaths.websocket:WebSocketProtocol`
(`make run`, deploy/, the benchmarks). With the fast path off (FAST_PATHS_OFF=websocket_protocol)
the class is uvicorn's own, unchanged. Its test, tests/core/test_websocket_protocol.py, holds it
to uvicorn's behaviour: the same frames through a real server, compressed or not as the client
asks, and no zlib state between messages."""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.server import ServerProtocol

# uvicorn's own window and memory settings (websockets_sansio_impl), without context takeover.
DEFLATE = {
    "server_no_context_takeover": True,
    "client_no_context_takeover": True,
    "server_max_window_bits": 12,
    "client_max_window_bits": 12,
    "compress_settings": {"memLevel": 5},
}


def _enabled() -> bool:
    """settings.FAST_PATHS (from FAST_PATHS_OFF), read once a client connects, when the settings
    are ready; on with another project's settings (the benchmark's floor app)."""
    from django.conf import settings

    return getattr(settings, "FAST_PATHS", {}).get("websocket_protocol", True)


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.config.ws_per_message_deflate or not _enabled():
            return
        # Before the handshake: the protocol uvicorn made has negotiated nothing yet.
        self.conn = ServerProtocol(
            extensions=[ServerPerMessageDeflateFactory(**DEFLATE)],
            max_size=self.config.ws_max_size,
            logger=self.conn.logger,
        )
