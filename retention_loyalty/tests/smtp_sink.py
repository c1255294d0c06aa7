"""A local SMTP server for the tests: it speaks enough SMTP for Python's
smtplib (what Odoo sends with) and keeps every message it receives, raw, so a
test sends through Odoo's real mail queue and reads what left the building."""

import socketserver
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy

from odoo.modules import module


class _Session(socketserver.StreamRequestHandler):
    def _say(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self._say("220 sink ESMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("latin-1").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-sink" if verb == "EHLO" else "250 sink")
                if verb == "EHLO":
                    self._say("250 8BITMIME")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip("<> "), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<> "))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append((sender, recipients, b"".join(data)))
                self._say("250 OK: queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:  # RSET, NOOP...
                self._say("250 OK")


class SmtpSink:
    """with SmtpSink() as sink: ... sink.port, sink.emails()"""

    def __enter__(self):
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self.server.daemon_threads = True
        self.server.messages = []
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def emails(self):
        """The messages received, parsed (email.message.EmailMessage)."""
        return [
            message_from_bytes(raw, policy=policy.default) for _s, _r, raw in self.server.messages
        ]

    @contextmanager
    def sending(self):
        """Odoo skips SMTP while its own runner runs a test (pytest-odoo does
        not set that flag): inside this block it really sends, to the sink."""
        running, module.current_test = module.current_test, None
        try:
            yield self
        finally:
            module.current_test = running

    def mail_server(self, env):
        """An outgoing mail server of the database that sends here."""
        return env["ir.mail_server"].create(
            {
                "name": "Test SMTP sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": self.port,
                "smtp_encryption": "none",
                "sequence": 0,
            }
        )
