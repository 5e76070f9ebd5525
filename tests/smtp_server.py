"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the durable queue's tests.

It keeps every message it accepts, can go down and come back on the same port (connections are
then refused), can hang (a socket that accepts connections and never answers), can hold a
session before it has accepted anything (``hold_before_accepting``), and can refuse recipients
for good (550).
"""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from scripts.served_site import free_port


class LocalSmtpServer:
    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.reject_recipients = False
        self.recipient_seen = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self._controller = None
        self._hanging = None

    # aiosmtpd handler hooks -------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipient_seen.set()
        while not self.release.is_set():  # before DATA: nothing is accepted yet
            await asyncio.sleep(0.02)
        if self.reject_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    # states -----------------------------------------------------------------------------------

    def start(self) -> "LocalSmtpServer":
        self.stop()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Down: connections are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._hanging is not None:
            self._hanging.close()
            self._hanging = None

    def hang(self) -> None:
        """Up but silent: connections are accepted (by the kernel) and never answered."""
        self.stop()
        self._hanging = socket.socket()
        self._hanging.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._hanging.bind(("127.0.0.1", self.port))
        self._hanging.listen(128)

    def hold_before_accepting(self) -> None:
        self.recipient_seen.clear()
        self.release.clear()

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]
