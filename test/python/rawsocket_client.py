#!/usr/bin/python3
"""Autobahn|Python (asyncio) WAMP-over-RawSocket test client for Sprocket's integration tests.

Run with Debian's /usr/bin/python3 (packages python3-autobahn, python3-msgpack, python3-cbor2).
Prints one JSON object per line on stdout; bytes are written as {"$bytes": "<hex>"}.

  rawsocket_client.py URL [--serializer json|msgpack|cbor] [--ca FILE] [--cert FILE --key FILE]
                          [--mode roundtrip|callee] [--realm REALM] [--timeout S (default 10)]

URL: rs://HOST:PORT, rss://HOST:PORT (TLS) or rs://unix:/PATH (the forms Sprocket's listen
addresses use; parsed by autobahn.rawsocket.util.parse_url).

Modes:
  roundtrip  subscribe + publish to itself (acknowledged, exclude_me false), register + call
             itself, with a binary value in both; prints {"result": {...}} and leaves.
  callee     registers com.example.py.add, com.example.py.reverse_bytes and com.example.py.stop,
             subscribes to com.example.py.feed, prints {"ready": true, "session": ID}, then one
             {"event": [...]} line per event; com.example.py.stop makes it leave.

Exit status 0 after a clean leave; 1 on any failure (with an {"error": ...} line).
"""

import argparse
import asyncio
import json
import ssl
import sys

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory, WampRawSocketClientProtocol
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.rawsocket.util import parse_url
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from autobahn.wamp.types import ComponentConfig, PublishOptions, SubscribeOptions

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
BINARY = b"\x00\x01\xfe\xff"


class ClientProtocol(WampRawSocketClientProtocol):
    # autobahn 22.7 (Debian bookworm): the asyncio RawSocket protocol keeps its details in
    # `_transport_details`, but the session reads `transport_details` when WELCOME arrives.
    @property
    def transport_details(self):
        return self._transport_details


class ClientFactory(WampRawSocketClientFactory):
    protocol = ClientProtocol


def plain(value):
    """JSON-safe copy of a WAMP payload: bytes become {"$bytes": hex}."""
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def emit(obj):
    sys.stdout.write(json.dumps(plain(obj)) + "\n")
    sys.stdout.flush()


async def roundtrip(session):
    got_event = asyncio.get_running_loop().create_future()

    def on_event(*args, **kwargs):
        if not got_event.done():
            got_event.set_result([list(args), kwargs])

    await session.subscribe(on_event, "com.example.py.topic", options=SubscribeOptions())
    await session.register(lambda *args, **kwargs: [list(args), kwargs], "com.example.py.echo")
    await session.publish(
        "com.example.py.topic", 1, "two", BINARY, k="v",
        options=PublishOptions(acknowledge=True, exclude_me=False),
    )
    event = await asyncio.wait_for(got_event, 5)
    call = await session.call("com.example.py.echo", 3, BINARY, key=BINARY)
    return {"event": event, "call": call, "session": session._session_id}


async def callee(session, stopped):
    def add(a, b):
        return a + b

    def reverse_bytes(value):
        if not isinstance(value, (bytes, bytearray)):
            raise TypeError("expected bytes, got {}".format(type(value).__name__))
        return bytes(reversed(value))

    def stop():
        # later than the YIELD for this call
        asyncio.get_running_loop().call_later(0.05, stopped.set_result, None)
        return "stopping"

    await session.register(add, "com.example.py.add")
    await session.register(reverse_bytes, "com.example.py.reverse_bytes")
    await session.register(stop, "com.example.py.stop")
    await session.subscribe(lambda *args, **kwargs: emit({"event": list(args), "kwargs": kwargs}), "com.example.py.feed")
    emit({"ready": True, "session": session._session_id})
    await stopped


async def main(opts):
    loop = asyncio.get_running_loop()
    is_secure, host, port_or_path = parse_url(opts.url)
    finished = loop.create_future()
    outcome = {"ok": False}

    class Client(ApplicationSession):
        async def onJoin(self, details):
            try:
                if opts.mode == "roundtrip":
                    emit({"result": await roundtrip(self)})
                else:
                    await callee(self, loop.create_future())
                outcome["ok"] = True
            except Exception as error:  # reported, then the session leaves
                emit({"error": repr(error)})
            self.leave()

        def onLeave(self, details):
            emit({"left": details.reason})
            self.disconnect()

        def onDisconnect(self):
            if not finished.done():
                finished.set_result(None)

    factory = ClientFactory(
        lambda: Client(ComponentConfig(realm=opts.realm)), serializer=SERIALIZERS[opts.serializer]()
    )
    if host == "unix":
        _, protocol = await loop.create_unix_connection(factory, port_or_path)
    else:
        context = None
        if is_secure:
            context = ssl.create_default_context(cafile=opts.ca)
            if opts.cert:
                context.load_cert_chain(opts.cert, opts.key)
        _, protocol = await loop.create_connection(
            factory, host, port_or_path, ssl=context, server_hostname=host if context else None
        )
    # A refused handshake closes the connection without a session ever joining.
    closed = asyncio.ensure_future(protocol.is_closed)
    done, _ = await asyncio.wait([finished, closed], timeout=opts.timeout, return_when=asyncio.FIRST_COMPLETED)
    if not done:
        emit({"error": "timeout after {} s".format(opts.timeout)})
        return 1
    if finished not in done:
        emit({"error": "connection closed before the session ended"})
        return 1
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--serializer", default="json", choices=sorted(SERIALIZERS))
    parser.add_argument("--mode", default="roundtrip", choices=["roundtrip", "callee"])
    parser.add_argument("--realm", default="realm1")
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--timeout", type=float, default=10)
    sys.exit(asyncio.run(main(parser.parse_args())))
