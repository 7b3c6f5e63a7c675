"""A real SMTP server on loopback for tests (aiosmtpd): it keeps what it receives and can refuse or hold."""
import socket
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    """A real SMTP server that keeps what it receives; `refuse` makes it reject every recipient (550)."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received, self.refuse, self._controller = [], False, None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        """The messages received, once there are `count` of them or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
