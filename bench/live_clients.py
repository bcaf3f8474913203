"""The clients of bench/live_fanout.py: each client process holds its share of the websocket
connections and answers the driver's commands (connect so many, wait for round r, report)."""

import asyncio
import contextlib
import json
import time
from datetime import datetime

ROUNDS = 5
TIMEOUT = 30.0  # seconds: an update not received by then is lost
CONNECT_CONCURRENCY = 64  # handshakes in flight per client process
STORM_CONCURRENCY = 512  # in a reconnect storm: everyone at once, as far as one process can


def client_process(pipe, ports: list[int], slug: str) -> None:
    """Hold len(ports) sockets (client i on ports[i]) and answer the driver's commands."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    try:
        asyncio.run(_clients(pipe, ports, slug))
    except Exception as exc:  # report, never hang the driver
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))


async def _ask(pipe, timeout: float):
    """The driver's next command, or None after `timeout` seconds."""
    ready = await asyncio.to_thread(pipe.poll, timeout)
    return pipe.recv() if ready else None


class _Clients:
    """The sockets of one client process. Stages: `connect` up to a number of sockets (each
    reads its hello), then rounds (`round` r: wait until every socket has r frames since the
    stage began), then `summary` of the stage's frames; `close` at the end."""

    def __init__(self, ports: list[int], slug: str):
        self.ports = ports
        self.slug = slug
        self.sockets: list = []
        self.hellos: list = []
        self.frames: list[list[tuple[float, str]]] = []
        self.offsets: list[int] = []
        self.readers: list[asyncio.Task] = []
        self.stage_of: list[int] = []
        self.stages = 0
        self.closed_early = 0
        self.reader_errors: dict[str, int] = {}
        self.new_stage()

    def new_stage(self) -> None:
        # Counted once per stage: each reader compares with it on every frame (counting the
        # hellos there made a client's frame cost grow with its number of sockets).
        self.opened = self.open
        self.offsets = [len(mine) for mine in self.frames]
        self.reached = [0] * (ROUNDS + 2)  # reached[r]: sockets with r frames this stage
        self.events = [asyncio.Event() for _ in range(ROUNDS + 2)]

    @property
    def open(self) -> int:
        return sum(1 for h in self.hellos if h is not None)

    async def reader(self, i: int) -> None:
        import websockets

        mine = self.frames[i]
        try:
            async for raw in self.sockets[i]:
                mine.append((time.time(), raw))  # stamped now, parsed after the stage
                r = len(mine) - self.offsets[i]
                if r < len(self.reached):
                    self.reached[r] += 1
                    if self.reached[r] == self.opened:
                        self.events[r].set()
        except websockets.ConnectionClosed:
            pass
        except Exception as exc:  # counted, so that a broken reader is not a silent loss
            name = type(exc).__name__
            self.reader_errors[name] = self.reader_errors.get(name, 0) + 1
        self.closed_early += 1

    async def dial(self, port: int, query: str = ""):
        """One live socket, as every stage opens it."""
        import websockets

        return await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/events/{self.slug}/live/{query}",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=TIMEOUT,
            close_timeout=5,
            ping_interval=None,  # browsers send no protocol pings; uvicorn pings us
            max_size=2**23,
            max_queue=64,
        )

    async def connect_one(
        self, i: int, gate: asyncio.Semaphore, errors: dict, since: int | None = None
    ) -> bool:

        port = self.ports[i]
        query = f"?since={since}" if since is not None else ""
        async with gate:
            try:
                socket = await self.dial(port, query)
                self.sockets[i] = socket
                self.hellos[i] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
            except Exception as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return False
        self.readers.append(asyncio.create_task(self.reader(i)))
        return True

    async def connect(self, total: int) -> dict:
        first = len(self.sockets)
        total = min(total, len(self.ports))
        self.sockets += [None] * (total - first)
        self.hellos += [None] * (total - first)
        self.frames += [[] for _ in range(total - first)]
        self.stages += 1
        self.stage_of += [self.stages] * (total - first)
        self.new_stage()
        errors: dict[str, int] = {}
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        started = time.time()
        done = await asyncio.gather(
            *(self.connect_one(i, gate, errors) for i in range(first, total))
        )
        finished = time.time()
        self.new_stage()
        hellos = [h for h in self.hellos[first:] if h]
        return {
            "ok": sum(done),
            "open": self.open,
            "errors": errors,
            "started": started,
            "finished": finished,
            "sequences": sorted({h["sequence"] for h in hellos}),
            "hello_bytes": max((len(json.dumps(h)) for h in hellos), default=0),
            "cpu": time.process_time(),
        }

    async def wait_round(self, r: int, deadline: float) -> int:
        if r < len(self.events) and self.reached[r] < self.opened:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.events[r].wait(), max(0.0, deadline - time.time()))
        return self.reached[r] if r < len(self.reached) else 0

    def summary(self, posted: dict[int, float]) -> dict:
        """The stage's frames, parsed now. `posted`: sequence -> the wall time its POST started
        (an update not received TIMEOUT seconds after it counts as lost). Every socket must
        have received exactly the posted numbers, in order. Sockets that missed something are
        counted by server port and by the stage in which they joined."""
        latencies: dict[int, list[float]] = {s: [] for s in posted}
        expected = sorted(posted)
        disordered = 0
        late = 0
        others: dict[str, int] = {}
        missed: dict[str, int] = {}
        for i, (hello, mine, offset) in enumerate(
            zip(self.hellos, self.frames, self.offsets, strict=True)
        ):
            if hello is None:
                continue
            seen = []
            on_time = 0
            for received, raw in mine[offset:]:
                message = json.loads(raw)
                if message.get("type") != "update":
                    kind = str(message.get("type"))
                    others[kind] = others.get(kind, 0) + 1
                    continue
                sequence = message["sequence"]
                seen.append(sequence)
                if sequence in posted and received <= posted[sequence] + TIMEOUT:
                    created = datetime.fromisoformat(message["update"]["created_at"])
                    latencies[sequence].append(received - created.timestamp())
                    on_time += 1
                else:
                    late += 1
            if seen != expected:
                disordered += 1
            if on_time < len(expected):
                key = f"port {self.ports[i]}, joined in stage {self.stage_of[i]}"
                missed[key] = missed.get(key, 0) + 1
        lost = {s: self.open - len(values) for s, values in latencies.items()}
        return {
            "latencies": latencies,
            "lost": lost,
            "disordered": disordered,
            "late": late,
            "missed_by": missed,
            "others": others,
            "closed_early": self.closed_early,
            "reader_errors": self.reader_errors,
            "cpu": time.process_time(),
        }

    async def drop(self) -> dict:
        """Every socket gone at once, as when a server restarts or the hall's Wi-Fi drops."""
        for task in self.readers:
            task.cancel()
        self.readers = []
        await asyncio.gather(
            *(s.close() for s in self.sockets if s is not None), return_exceptions=True
        )
        dropped = sum(1 for s in self.sockets if s is not None)
        self.sockets = [None] * len(self.sockets)
        return {"dropped": dropped}

    async def rejoin(self, since: int, missed: list[int]) -> dict:
        """All of them back at once with ?since=`since`: each reads its hello and the updates
        it `missed`, in order, and stays connected (for the stages after). When each was back,
        and who is not, or lacks something."""

        errors: dict[str, int] = {}
        back: list[float] = []
        wrong = 0
        gate = asyncio.Semaphore(STORM_CONCURRENCY)
        port_of = self.ports

        async def one(i: int) -> None:
            nonlocal wrong
            async with gate:
                try:
                    socket = await self.dial(port_of[i], f"?since={since}")
                    self.sockets[i] = socket
                    hello = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
                    seen = []
                    while len(seen) < len(missed) and hello.get("snapshot") is None:
                        frame = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
                        if frame.get("type") == "update":
                            seen.append(frame["sequence"])
                    back.append(time.time())
                    if hello.get("snapshot") is None and seen != missed:
                        wrong += 1
                    self.readers.append(asyncio.create_task(self.reader(i)))
                except Exception as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1

        started = time.time()
        await asyncio.gather(*(one(i) for i in range(len(self.sockets))))
        self.new_stage()
        return {
            "started": started,
            "finished": max(back, default=started),
            "back": len(back),
            "wrong": wrong,
            "errors": errors,
        }

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.wait_for(
            asyncio.gather(
                *(s.close() for s in self.sockets if s is not None), return_exceptions=True
            ),
            30,
        )


async def _clients(pipe, ports: list[int], slug: str) -> None:
    clients = _Clients(ports, slug)
    while True:
        command = await _ask(pipe, 600)
        if command is None:
            break
        if command[0] == "connect":
            pipe.send(("connected", await clients.connect(command[1])))
        elif command[0] == "round":
            reached = await clients.wait_round(command[1], command[2])
            pipe.send(("round", reached, time.process_time()))
        elif command[0] == "summary":
            pipe.send(("summary", clients.summary(command[1])))
        elif command[0] == "mark":
            clients.new_stage()
            pipe.send(("marked",))
        elif command[0] == "drop":
            pipe.send(("dropped", await clients.drop()))
        elif command[0] == "rejoin":
            pipe.send(("rejoined", await clients.rejoin(command[1], command[2])))
        elif command[0] == "close":
            await clients.close()
            pipe.send(("closed",))
            break
    await asyncio.sleep(0)
