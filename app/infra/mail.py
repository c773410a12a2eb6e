"""Outgoing e-mail: SMTP when a host is configured, else .eml files in an outbox folder.

Built once from the app config (`app.extensions["essaim.mail"]`). Header values are cleaned of
control characters before they reach `EmailMessage`, which refuses CR/LF (header injection).
"""

import logging
import re
import smtplib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger(__name__)
CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def header_safe(value: str) -> str:
    """One line: control characters (CR, LF, NUL…) become a space."""
    return CONTROL.sub(" ", value).strip()


@dataclass(frozen=True)
class Mailer:
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "Essaim <noreply@essaim.local>"
    outbox_dir: str = "instance/outbox"
    base_url: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> "Mailer":
        return cls(host=config.get("SMTP_HOST", ""), port=int(config.get("SMTP_PORT", 25)),
                   user=config.get("SMTP_USER", ""), password=config.get("SMTP_PASSWORD", ""),
                   sender=config.get("MAIL_FROM", cls.sender),
                   outbox_dir=config.get("MAIL_OUTBOX_DIR", cls.outbox_dir),
                   base_url=config.get("BASE_URL", ""))

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = header_safe(self.sender)
        message["To"] = header_safe(to)
        message["Subject"] = header_safe(subject)
        message.set_content(body)
        return message

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send one e-mail; False (logged) when the transport failed, so a job can retry."""
        return self.deliver(self.message(to, subject, body))

    def deliver(self, message: EmailMessage) -> bool:
        try:
            if self.host:
                self._smtp_send(message)
            else:
                self._write_eml(message)
        except (OSError, smtplib.SMTPException):
            log.exception("e-mail to %s could not be sent", message["To"])
            return False
        return True

    def _smtp_send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            if self.user:
                smtp.starttls()
                smtp.login(self.user, self.password)
            smtp.send_message(message)

    def _write_eml(self, message: EmailMessage) -> Path:
        folder = Path(self.outbox_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        tmp = folder / f".{path.name}.part"
        tmp.write_bytes(bytes(message))
        tmp.replace(path)
        return path
