"""A real XMPP client (Debian's python3-slixmpp) for the connector's acceptance test.

Usage: xmpp_client.py <jid> <password> <host> <port> <contact jid>

Run it with Debian's /usr/bin/python3, which has slixmpp.

Logs in as an ordinary user without TLS (loopback only) and prints one line per event on stdout:
  ready                                   session started (again after every reconnect)
  presence <from> available <show|-> <status...>
  presence <from> unavailable
  subscription <from> <subscribed|unsubscribed|...>
  disconnected
Reads commands on stdin, one per line:
  subscribe [jid]                         ask to subscribe to the contact (or to another jid)
  show <available|away|xa|dnd> [status]   send directed presence to the contact
  offline                                 send directed unavailable presence to the contact
  quit
"""
import os
import sys

import slixmpp


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, host, port, contact):
        super().__init__(jid, password)
        self.address = (host, int(port))
        self.contact = contact
        self.quitting = False
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("connection_failed", self.on_disconnected)

    def start(self):
        self.connect(self.address, use_ssl=False, force_starttls=False, disable_starttls=True)

    async def on_start(self, _):
        await self.get_roster()
        self.send_presence()
        say("ready")

    def on_presence(self, presence):
        source = presence["from"].bare
        kind = presence.xml.get("type")
        if kind is None:
            show = presence["show"] or "-"
            say(f"presence {source} available {show} {presence['status']}".rstrip())
        elif kind == "unavailable":
            say(f"presence {source} unavailable")
        elif kind in ("subscribed", "unsubscribed", "subscribe", "unsubscribe"):
            say(f"subscription {source} {kind}")
        elif kind == "error":
            say(f"error {source}")

    def on_disconnected(self, _):
        say("disconnected")
        if not self.quitting:
            self.loop.call_later(0.2, self.start)

    def command(self, line):
        words = line.split(" ", 2)
        if words[0] == "subscribe":
            self.send_presence_subscription(pto=words[1] if len(words) > 1 else self.contact)
        elif words[0] == "show":
            show = None if words[1] == "available" else words[1]
            self.send_presence(pto=self.contact, pshow=show, pstatus=words[2] if len(words) > 2 else None)
        elif words[0] == "offline":
            self.send_presence(pto=self.contact, ptype="unavailable")
        elif words[0] == "quit":
            self.quitting = True
            self.disconnect()
            self.loop.call_later(0.5, self.loop.stop)


def say(line):
    print(line, flush=True)


def main():
    client = Client(*sys.argv[1:6])
    loop = client.loop

    pending = bytearray()

    def on_stdin():
        # Raw reads: a buffered readline() would swallow lines the event loop then never reports as readable.
        chunk = os.read(sys.stdin.fileno(), 4096)
        if not chunk:
            loop.remove_reader(sys.stdin.fileno())
            client.command("quit")
            return
        pending.extend(chunk)
        while b"\n" in pending:
            line, _, rest = bytes(pending).partition(b"\n")
            pending[:] = rest
            if line.strip():
                client.command(line.decode().strip())

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    client.start()
    loop.run_forever()


if __name__ == "__main__":
    main()
