#!/usr/bin/python3
"""WAMP-SCRAM with Debian's Autobahn|Python (python3-autobahn, its AuthScram), for
test/integration/auth-scram.test.ts. Run with Debian's /usr/bin/python3.

    scram_client.py login URL REALM AUTHID PASSWORD [SERIALIZER]
        Joins with authmethods ["scram"] (Autobahn|Python's name for wamp-scram) and prints one
        JSON line: {"event": "welcome", ...WELCOME details} or {"event": "abort", "reason", "message"};
        AuthScram.on_welcome checks the router's server signature (mutual authentication).
    scram_client.py derive KDF PASSWORD SALT ITERATIONS [MEMORY]
        Prints the credential the router stores ({"salt", "storedKey", "serverKey"}, base64),
        computed with Autobahn|Python's own KDF helpers (kdf "pbkdf2" or "argon2id13").

Client quirk worked around (Autobahn|Python 22.7): for kdf "pbkdf2", AuthScram passes the salt as
the base64 *string* to autobahn.wamp.auth.pbkdf2(), which only takes bytes and raises ValueError.
The patch below hands it the decoded salt, as the spec says (the salt is base64-encoded octets)
and as the library's own argon2id path already does.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import sys

from autobahn.wamp import auth
from autobahn.asyncio.wamp import ApplicationRunner, Session
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer

TIMEOUT_S = 10


def _pbkdf2_with_decoded_salt(password, salt, iterations):
    return auth.pbkdf2(password, base64.b64decode(salt), iterations, keylen=32)


auth._hash_pbkdf2_secret = _pbkdf2_with_decoded_salt


def emit(**fields):
    print(json.dumps(fields, default=str), flush=True)


def derive(kdf, password, salt, iterations, memory=None):
    if kdf == "pbkdf2":
        salted = _pbkdf2_with_decoded_salt(password.encode("utf8"), salt, iterations)
    elif kdf == "argon2id13":
        salted = auth._hash_argon2id13_secret(password.encode("utf8"), salt, iterations, memory)
    else:
        raise SystemExit("unknown kdf " + kdf)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    emit(salt=salt, storedKey=base64.b64encode(stored_key).decode(), serverKey=base64.b64encode(server_key).decode())


class Client(Session):
    joined = False

    def on_join(self, details):
        self.joined = True
        emit(event="welcome", session=details.session, authid=details.authid, authrole=details.authrole,
             authmethod=details.authmethod, authprovider=details.authprovider, authextra=details.authextra)
        self.leave()

    def on_leave(self, details):
        if not self.joined:
            emit(event="abort", reason=details.reason, message=details.message)
        self.disconnect()

    def on_disconnect(self):
        asyncio.get_event_loop().stop()


def login(url, realm, authid, password, serializer="json"):
    serializers = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
    runner = ApplicationRunner(url, realm, serializers=[serializers[serializer]()])

    def make(config):
        session = Client(config)
        session.add_authenticator(auth.create_authenticator("scram", authid=authid, password=password))
        return session

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def give_up():
        emit(event="timeout")
        loop.stop()

    loop.call_later(TIMEOUT_S, give_up)
    runner.run(make)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "login" and len(args) in (5, 6):
        login(*args[1:])
    elif args and args[0] == "derive" and len(args) in (5, 6):
        derive(args[1], args[2], args[3], int(args[4]), int(args[5]) if len(args) == 6 else None)
    else:
        raise SystemExit(__doc__)
