"""A mail backend for worker tests, loaded by the worker subprocess through EMAIL_BACKEND.

Each message is written as a file in ``TEST_MAIL_DIR``. Before writing, the backend leaves a
``started-*`` mark and waits while the gate is closed (no ``gate-open`` file), so a test can kill
the worker exactly in the middle of a delivery.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class GatedBackend(BaseEmailBackend):
    def send_messages(self, messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        for message in messages:
            name = uuid.uuid4().hex
            (directory / f"started-{name}").touch()
            while not (directory / "gate-open").exists():
                time.sleep(0.05)
            (directory / f"{name}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
