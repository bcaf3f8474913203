"""The demo conference's streams: the plenary hall on YouTube for everyone, with Chinese and
Russian interpretation for registered online participants; the breakout rooms in Zoom with a
passcode; the online studio in BigBlueButton. The links are examples (example.org, youtube's
own placeholder) that go nowhere."""

from events.models import Event, Room
from livestream.models import Stream
from livestream.services import stream_save

STREAMS = {
    "Plenary Hall": (
        ("youtube", "", True, "https://www.youtube.com/watch?v=ict-he-plenary", ""),
        ("hls", "zh-hans", False, "https://stream.example.org/ict-he/plenary-zh.m3u8", ""),
        ("hls", "ru", False, "https://stream.example.org/ict-he/plenary-ru.m3u8", ""),
    ),
    "Breakout Room A": (("zoom", "", False, "https://zoom.example.org/j/81234567890", "IIOE26"),),
    "Breakout Room B": (("zoom", "", False, "https://zoom.example.org/j/81234567891", "IIOE26"),),
    "Online Studio": (
        ("bigbluebutton", "", False, "https://bbb.example.org/b/ict-he-studio", ""),
        ("bigbluebutton", "en", False, "https://bbb.example.org/b/ict-he-studio-en", ""),
    ),
}


def seed_demo_streams(event: Event) -> int:
    count = 0
    # Room names may be given in several languages: matched by their English text.
    for room in (room for room in Room.objects.filter(event=event) if room.name in STREAMS):
        for order, (provider, language, public, url, passcode) in enumerate(STREAMS[room.name]):
            stream_save(
                stream=Stream(
                    event=event,
                    room=room,
                    provider=provider,
                    language=language,
                    public=public,
                    url=url,
                    passcode=passcode,
                    order=order,
                ),
                by=None,
            )
            count += 1
    return count
