"""A real SMTP server for Latchkey's tests (aiosmtpd), on 127.0.0.1.

    python server.py --port PORT --out FILE [--cert PEM --key PEM] [--user U --password P]

Every message it accepts is appended to FILE as one JSON line: envelope,
whole message, whether the session was encrypted and who authenticated.
With --cert, STARTTLS is offered and required; with --user, AUTH is
required (and, as on a real relay, only after STARTTLS). Prints "ready"
once it accepts connections; runs until killed.
"""
import argparse
import json
import ssl
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


# aiosmtpd warns about its own use of a deprecated field on every AUTH.
warnings.filterwarnings("ignore", message="Session.login_data")


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        options.update(tls_context=context, require_starttls=True)
    if args.user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == args.user
                and auth_data.password.decode() == args.password
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=True)

    controller = Controller(Recorder(args.out), hostname="127.0.0.1", port=args.port,
                            server_hostname="localhost", **options)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
