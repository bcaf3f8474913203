"""The live schedule's shapes: the REST fallback (`GET /api/events/{slug}/live`), the
Server-Sent Events stream and the socket all send these."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel

from events.schemas import AttendanceModeName
from sessions.schemas import SessionKindName, StatusName

ProviderName = Literal["youtube", "zoom", "teams", "bigbluebutton", "hls", "other"]


class StreamOut(BaseModel):
    id: int
    provider: ProviderName
    provider_label: str
    language: str = Field(description="Empty for the floor; else the interpretation's language")
    language_name: str
    public: bool
    locked: bool = Field(description="True when this viewer may not see the link")
    url: str | None = Field(description="Null when locked")
    embed_url: str | None
    passcode: str | None
    room_id: int | None
    session_id: int | None


class LiveRoomRef(BaseModel):
    id: int
    name: str
    names: dict[str, str] = Field(description="The name in every language given, as titles")
    kind: Literal["physical", "virtual"]


class LiveSessionOut(BaseModel):
    id: int
    title: str
    titles: dict[str, str] = Field(
        description="The title in every language given, the event's first first; empty when "
        "the title is one text for every language"
    )
    kind: SessionKindName
    status: StatusName
    attendance: AttendanceModeName
    room: LiveRoomRef | None
    track: str | None
    track_names: dict[str, str] = Field(description="The track's name in every language, as titles")
    start: datetime = Field(description="Planned start, UTC")
    end: datetime
    delay_minutes: int
    actual_start: datetime = Field(description="Start counting the reported delay, UTC")
    actual_end: datetime
    language: str
    chairs: list[str]
    url: str
    streams: list[StreamOut] | None = Field(
        description="The session's own streams, which replace its room's; null: the room's"
    )


class RoomLiveOut(BaseModel):
    room: LiveRoomRef | None = Field(description="Null for sessions without a room")
    now: int | None = Field(description="Id of the session on now, if any")
    next: int | None
    sessions: list[LiveSessionOut] = Field(description="What is on and next, in order")
    streams: list[StreamOut]


class LiveUpdateOut(BaseModel):
    sequence: int
    kind: str
    session_id: int | None
    session_title: str | None
    session_titles: dict[str, str] | None
    session_url: str | None = Field(
        None, description="The session's page, for an update about one session; null for the event"
    )
    changes: dict
    message: str
    messages: dict[str, str] = Field(
        description="An announcement in every language given, as titles; empty when it is one "
        "text for every language"
    )
    created_at: datetime = Field(description="When it happened, UTC")


class LiveSnapshotOut(Schema):
    type: Literal["snapshot"] = "snapshot"
    sequence: int = Field(description="The event's last update number: resume from here")
    server_time: datetime
    event: str
    timezone: str
    rooms: list[RoomLiveOut]
    announcements: list[LiveUpdateOut] = Field(description="Recent announcements, newest first")
    changes: list[LiveUpdateOut] = Field(
        description="Recent moves, delays, cancellations, newest first"
    )


class LiveOut(Schema):
    snapshot: LiveSnapshotOut
    updates: list["LiveMessageOut"] = Field(description="Every update after `since`, in order")
    more: bool = Field(description="More updates follow: ask again with since=")


class LiveMessageOut(BaseModel):
    type: Literal["update"] = "update"
    sequence: int
    update: LiveUpdateOut = Field(description="What changed, with its before and after")
    session: LiveSessionOut | None = Field(
        description="The session as it is when the message is sent (a replay sends its state now)"
    )
    streams: list[StreamOut] | None = Field(
        None, description="For a stream change: the streams of the room or session it names"
    )


LiveOut.model_rebuild()
