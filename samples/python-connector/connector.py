#!/usr/bin/python3
"""PresenceHub sample connector: dials in over gRPC, prints the events it receives, acknowledges them, resumes
after a restart from a saved cursor, and publishes one status for a platform user. See README.md and
../../protos/README.md (the protocol)."""
import argparse
import json
import os
import queue
import random
import signal
import sys
import threading
import time
import uuid
from collections import OrderedDict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))
import grpc  # noqa: E402  (Debian: python3-grpcio)
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402  (Debian: python3-protobuf)
from presencehub.v1 import connector_service_pb2 as pb  # noqa: E402  (./generate.sh)
from presencehub.v1 import connector_service_pb2_grpc as pb_grpc  # noqa: E402
from presencehub.v1 import events_pb2, presence_pb2  # noqa: E402

FATAL = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED,
         grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION}
SEEN_WINDOW = 10_000  # recent event ids kept for deduplication


def say(line, error=False):
    # Flushed at once: a supervisor (or a test) reads these lines while the connector runs, and may kill it.
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def load_config():
    parser = argparse.ArgumentParser(description="PresenceHub sample connector")
    parser.add_argument("--demo-file", help="the JSON file the demo writes (endpoint, key, organizationId)")
    args = parser.parse_args()
    demo = {}
    if args.demo_file:
        with open(args.demo_file, encoding="utf-8") as file:
            demo = json.load(file)
    endpoint = demo.get("endpoint") or os.environ.get("PRESENCEHUB_ADDRESS")
    token = demo.get("key") or os.environ.get("PRESENCEHUB_TOKEN")
    if not endpoint or not token:
        say("PRESENCEHUB_ADDRESS and PRESENCEHUB_TOKEN are required (or --demo-file)", error=True)
        sys.exit(2)
    tls = endpoint.startswith("https://") or os.environ.get("PRESENCEHUB_TLS") == "1"
    return {
        "address": endpoint.split("://", 1)[-1].rstrip("/"),  # gRPC wants host:port, not a URL
        "tls": tls,
        "token": token,
        "connector_id": os.environ.get("CONNECTOR_ID", "python-sample"),
        "platform": os.environ.get("PLATFORM") or demo.get("platformHint") or "python",
        "publish_user": os.environ.get("PUBLISH_USER", ""),
        "lookup_users": [u.strip() for u in os.environ.get("LOOKUP_USERS", "").split(",") if u.strip()],
        "exit_after": int(os.environ.get("EXIT_AFTER_EVENTS", "0")),
        "cursor_file": os.environ.get("CURSOR_FILE", ""),
    }


class Connector:
    def __init__(self, config):
        self.config = config
        credentials = grpc.ssl_channel_credentials() if config["tls"] else None
        options = [("grpc.keepalive_time_ms", 30_000), ("grpc.keepalive_timeout_ms", 10_000)]
        self.channel = (grpc.secure_channel(config["address"], credentials, options) if credentials
                        else grpc.insecure_channel(config["address"], options))
        self.stub = pb_grpc.ConnectorServiceStub(self.channel)
        self.metadata = [("authorization", f"Bearer {config['token']}")]
        self.cursor = self.read_cursor()
        self.seen = OrderedDict()  # event id -> None, oldest first: delivery is at least once
        self.applied = {}          # (teams user, source platform) -> version of the presence shown
        self.handled = 0
        self.publication = self.presenting(config["publish_user"]) if config["publish_user"] else None
        self.published = self.publication is None
        self.looked_up = False
        self.stop = threading.Event()
        self.outbox = None
        self.call = None
        self.last_received = time.monotonic()

    # --- cursor persistence: the last acknowledged cursor survives a restart ---
    def read_cursor(self):
        path = self.config["cursor_file"]
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                return file.read().strip()
        return ""

    def save_cursor(self, cursor):
        path = self.config["cursor_file"]
        if path:
            temporary = f"{path}.tmp"
            with open(temporary, "w", encoding="utf-8") as file:
                file.write(cursor)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)  # atomic: a crash leaves the old cursor or the new one, never half of one

    # --- the stream ---
    def send(self, **message):
        self.outbox.put(pb.ConnectRequest(**message))

    def run(self):
        attempt = 0
        while not self.stop.is_set():
            self.outbox = queue.Queue()
            self.send(hello=pb.ConnectorHello(
                connector_id=self.config["connector_id"], platform=self.config["platform"], version="1.0.0",
                resume_cursor=self.cursor, client_library=f"grpcio-python/{grpc.__version__}"))
            # The request stream: whatever is put in the outbox, until None closes our side.
            self.call = self.stub.Connect(iter(self.outbox.get, None), metadata=self.metadata)
            try:
                for response in self.call:
                    if response.HasField("welcome"):
                        attempt = 0
                    self.on_response(response)
                if self.stop.is_set():
                    return 0
                code, detail = grpc.StatusCode.UNAVAILABLE, "the hub ended the stream"
            except grpc.RpcError as error:
                if self.stop.is_set():
                    return 0
                code, detail = error.code(), error.details()
            finally:
                self.outbox.put(None)
            if code in FATAL:
                say(f"rejected: {code.name} ({detail})", error=True)
                return 3
            # Exponential backoff with jitter (1 s doubling to 30 s); a welcome resets it.
            delay = min(30.0, 2.0 ** attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            say(f"stream ended ({code.name}), reconnecting in {delay:.1f} s", error=True)
            self.stop.wait(delay)
        return 0

    def on_response(self, response):
        self.last_received = time.monotonic()
        kind = response.WhichOneof("message")
        if kind == "welcome":
            self.on_welcome(response.welcome)
        elif kind == "event_batch":
            self.on_batch(response.event_batch.events)
        elif kind == "publication_result":
            result = response.publication_result
            detail = f" detail={result.detail}" if result.detail else ""
            say(f"publication {pb.PublicationOutcome.Name(result.outcome)} teams_user={result.teams_user_id}{detail}")
            self.published = True
        elif kind == "error":
            say(f"stream error {pb.StreamErrorReason.Name(response.error.reason)} {response.error.detail}", error=True)
        # heartbeat echoes need nothing beyond last_received
        self.maybe_finish()

    def on_welcome(self, welcome):
        say(f"welcome session={welcome.session_id} outcome={pb.ResumeOutcome.Name(welcome.resume_outcome)}")
        self.send(state_report=pb.ConnectorStateReport(state=pb.CONNECTOR_STATE_RUNNING))
        interval = welcome.heartbeat_interval.ToTimedelta().total_seconds() or 15.0
        threading.Thread(target=self.heartbeat, args=(self.call, self.outbox, interval), daemon=True).start()
        if not self.published:
            # The same publication on every attempt: if a reconnect loses the result, the retry is idempotent.
            self.send(publication=self.publication)
        if self.config["lookup_users"] and not self.looked_up:
            self.looked_up = True
            self.lookup(self.config["lookup_users"])

    @staticmethod
    def presenting(platform_user_id):
        # What the platform observed: the user is presenting. version is the platform's own ordering stamp (here the
        # time in ms, zero-padded so that later stamps also sort later as strings).
        return pb.PresencePublication(
            publication_id=str(uuid.uuid4()), platform_user_id=platform_user_id,
            presence=presence_pb2.PresenceState(availability="Busy", activity="Presenting",
                                                status_message=presence_pb2.StatusMessage(content="Presenting (sample)")),
            version=f"{time.time_ns() // 1_000_000:020d}")

    def heartbeat(self, call, outbox, interval):
        # Heartbeats every interval; a stream that brought nothing for three intervals is dead: cancel it.
        self.last_received = time.monotonic()
        sequence = 0
        while not self.stop.wait(interval) and call.is_active():
            if time.monotonic() - self.last_received > 3 * interval:
                say("no message from the hub for three heartbeat intervals; reconnecting", error=True)
                call.cancel()
                return
            sequence += 1
            sent_at = Timestamp()
            sent_at.GetCurrentTime()
            outbox.put(pb.ConnectRequest(heartbeat=pb.Heartbeat(sequence=sequence, sent_at=sent_at)))

    def lookup(self, users):
        request = pb.GetLastKnownPresenceRequest(users=[pb.UserReference(teams_user_id=u) for u in users])
        metadata = self.metadata + [("presencehub-platform", self.config["platform"])]
        try:
            response = self.stub.GetLastKnownPresence(request, metadata=metadata, timeout=30)
        except grpc.RpcError as error:
            say(f"lastknown failed: {error.code().name} ({error.details()})", error=True)
            if error.code() in FATAL:
                self.exit_now(3)
            return
        for known in response.presences:
            presence = f"{known.presence.availability}/{known.presence.activity}" if known.found else "-/-"
            say(f"lastknown user={known.requested.teams_user_id} found={str(known.found).lower()} {presence}")

    # --- events ---
    def on_batch(self, events):
        if not events:
            return
        for event in events:
            if event.event_id in self.seen:
                continue  # a redelivery: handled already, but still covered by the ack below
            self.handle(event)
            self.seen[event.event_id] = None
            if len(self.seen) > SEEN_WINDOW:
                self.seen.popitem(last=False)
            self.handled += 1
        # Acknowledge once per batch, after every event in it was handled; then persist that cursor.
        self.cursor = events[-1].cursor
        self.send(ack=pb.EventAcknowledgement(cursor=self.cursor, event_ids=[e.event_id for e in events]))
        self.save_cursor(self.cursor)
        say(f"acked {self.cursor}")

    def handle(self, event):
        user = event.user.teams_user_id
        if event.kind == events_pb2.EVENT_KIND_PRESENCE:
            key = (user, event.source_platform)
            if event.version <= self.applied.get(key, ""):  # ordinal comparison of the version stamps
                say(f"stale {event.event_id} user={user}")
                return
            self.applied[key] = event.version
            state = event.presence.presence
            say(f"presence {event.event_id} user={user} {state.availability}/{state.activity}")
        elif event.kind == events_pb2.EVENT_KIND_PROFILE:
            say(f"profile {event.event_id} user={user} name={event.profile.profile.display_name}")
        elif event.kind == events_pb2.EVENT_KIND_WITHDRAWN:
            say(f"withdrawn {event.event_id} user={user}")
        else:
            say(f"skipped {event.event_id} kind={event.kind}")  # from a newer hub: skip, but acknowledge

    # --- stopping ---
    def maybe_finish(self):
        limit = self.config["exit_after"]
        if limit > 0 and self.handled >= limit and self.published and not self.stop.is_set():
            self.shutdown()

    def shutdown(self, *_):
        # Say we are stopping, then close our side; the hub ends the call and run() returns 0.
        if self.stop.is_set() or self.outbox is None:
            self.exit_now(0)
        self.stop.set()
        self.send(state_report=pb.ConnectorStateReport(state=pb.CONNECTOR_STATE_STOPPING))
        self.outbox.put(None)
        call = self.call
        timer = threading.Timer(5.0, lambda: call and call.cancel())  # in case the hub does not end the call
        timer.daemon = True
        timer.start()

    @staticmethod
    def exit_now(code):
        sys.stdout.flush()
        os._exit(code)


def main():
    connector = Connector(load_config())
    signal.signal(signal.SIGTERM, connector.shutdown)
    signal.signal(signal.SIGINT, connector.shutdown)
    code = connector.run()
    connector.channel.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
