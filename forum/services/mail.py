"""Email: written to the outbox in the same transaction as what caused it, then sent by the worker.

Once the transaction commits, a task on the job queue sends what it wrote (from a request, it is
enqueued after the response has gone). Nothing is lost when the mail server is down, refuses a
message or the task is lost: the message stays in the outbox, the task is retried with backoff,
and a sweep every few minutes (or `flask --app forum send-emails`) enqueues what still waits, up to
MAIL_MAX_ATTEMPTS tries. A message is claimed before it is sent, so two senders never send it twice.
"""

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import LazyString
from flask_login import current_user
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from forum import queue as jobs
from forum.database import db, utcnow
from forum.i18n import page_language, written_for
from forum.models import OutgoingEmail, User
from forum.services import links

log = logging.getLogger(__name__)

CLAIM_LAPSES = timedelta(minutes=5)
SUBJECT_MAX = 150
SWEEP_AFTER = timedelta(minutes=2)  # an email older than this, unsent, lost its task or failed
BATCH = 500  # emails in one sending task


def queue(
    to_address: str,
    subject: str | LazyString,
    template: str,
    *,
    user: User | None = None,
    unsubscribe_url: str | None = None,
    **context,
) -> OutgoingEmail:
    """Write an email into the outbox, in the recipient's language and time zone (see
    `recipient_language`). It goes out once the transaction that wrote it commits."""
    with recipient_language(user):
        text_body, html_body, subject = _written(template, subject, unsubscribe_url, context)
    email = OutgoingEmail(
        user_id=user.id if user else None,
        to_address=to_address,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(email)
    db.session.flush()
    g.setdefault("mail_queued", []).append(email.id)
    return email


@contextmanager
def recipient_language(user: User | None) -> Iterator[None]:
    """An email is written in its recipient's language, whoever caused it (another member, a
    task): her own choice. One who never chose, emailed from a request nobody else is signed in
    to (signing up, a forgotten password: her own doing), gets the language of that request, as
    does an address with no account."""
    own_request = (
        user is not None
        and not user.locale
        and has_request_context()
        and g.get("serving_request", False)  # a member's request, not a task's made for links
        and not request.path.startswith("/api/")  # a token's, whose client's language is not hers
        and (not current_user.is_authenticated or current_user.id == user.id)
    )
    if user is None or own_request:
        yield
        return
    with written_for(user):
        yield


def _one_line(subject: str | LazyString) -> str:
    subject = " ".join(str(subject).split())  # one line: a header can't hold line breaks
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    return subject


def _written(template: str, subject, unsubscribe_url: str | None, context: dict):
    subject = _one_line(subject)
    text_body, html_body = render(template, subject, unsubscribe_url=unsubscribe_url, **context)
    return text_body, html_body, subject


def render(
    template: str, subject: str | LazyString, *, unsubscribe_url: str | None = None, **context
) -> tuple[str, str]:
    """An email's plain and HTML text, in the language of the moment (`recipient_language`)."""
    subject = str(subject)  # a lazy subject, in the language it is written in
    public = urlsplit(current_app.config["PUBLIC_URL"])  # links are paths from the site's root
    context.update(subject=subject, unsubscribe_url=unsubscribe_url, language=page_language(),
                   base=f"{public.scheme}://{public.netloc}")  # fmt: skip
    # Straight from the template environment: an email needs none of a page's context (the
    # header's counts, the signed-in member), and its addresses are the public site's.
    environment = current_app.jinja_env
    with links.public_request():
        text_body = environment.get_template(f"email/{template}.txt").render(context)
        html_body = environment.get_template(f"email/{template}.html").render(context)
    return text_body, html_body


def _committed(session: Session) -> None:
    if has_app_context() and "mail_queued" in g:
        written = g.pop("mail_queued")
        if g.get("serving_request"):  # after the response (see init_mail)
            g.setdefault("mail_ready", []).extend(written)
        else:  # a task or a command
            _enqueue(written)


def _enqueue(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        try:
            send_emails(ids[start : start + BATCH])
        except Exception:  # the queue is down: the sweep finds them still waiting
            log.exception("Could not enqueue sending %d emails; the sweep will", len(ids))
            return


class NotAllSent(Exception):
    """Some emails of a task were not sent: the task is tried again, later."""


@jobs.task(retries=6, retry_delay=30, retry_backoff=2)
def send_emails(ids: list[int]) -> None:
    """Send these emails from the outbox; one sent already (or by another sender) is skipped."""
    result = send_pending(ids)
    if result.failed:
        raise NotAllSent(f"{result.failed} of {len(ids)} emails wait for another try")


@jobs.periodic_task(jobs.crontab(minute="*/5"))
def sweep_outbox() -> None:
    """Every five minutes: what waits in the outbox longer than a task should take (a task lost
    with a queue, or one that gave up while the mail server was down) is enqueued again."""
    enqueue_waiting(SWEEP_AFTER)


def enqueue_waiting(older_than: timedelta) -> int:
    """Enqueue sending every email that waits since longer than `older_than`; how many."""
    ids = list(
        db.session.scalars(
            _sendable(utcnow()).where(OutgoingEmail.created_at <= utcnow() - older_than)
        )
    )
    db.session.commit()
    _enqueue(ids)
    return len(ids)


def _rolled_back(session: Session, previous_transaction) -> None:
    if has_app_context() and previous_transaction.parent is None:
        g.pop("mail_queued", None)


event.listen(db.session, "after_commit", _committed)
event.listen(db.session, "after_soft_rollback", _rolled_back)


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int


def send_pending(ids: list[int] | None = None) -> Sent:
    """Send what waits in the outbox (only these ids, if given). Failures stay for the next try."""
    statement = _sendable(utcnow())
    if ids is not None:
        statement = statement.where(OutgoingEmail.id.in_(ids))
    waiting = list(db.session.scalars(statement))
    db.session.commit()
    if not waiting:
        return Sent(0, 0)
    try:
        transport = _transport()
    except (OSError, smtplib.SMTPException) as error:
        # Nothing was tried, so nothing counts as an attempt: an outage loses no email.
        log.warning("The mail server can't be reached; %d emails wait: %s", len(waiting), error)
        return Sent(0, len(waiting))
    sent = failed = 0
    with transport:
        for email_id in waiting:
            email = _claim(email_id)
            if email is None:  # another sender has it
                continue
            try:
                transport.send(build_message(email))
            except Exception as error:  # this message only: the rest of the batch goes on
                _failed(email, error)
                failed += 1
            else:
                email.sent_at, email.claimed_at, email.last_error = utcnow(), None, None
                db.session.commit()
                sent += 1
    return Sent(sent, failed)


def _sendable(now: datetime):
    return (
        select(OutgoingEmail.id)
        .where(
            OutgoingEmail.sent_at.is_(None),
            OutgoingEmail.attempts < current_app.config["MAIL_MAX_ATTEMPTS"],
            _unclaimed(now),
        )
        .order_by(OutgoingEmail.id)
    )


def _unclaimed(now: datetime):
    return or_(OutgoingEmail.claimed_at.is_(None), OutgoingEmail.claimed_at < now - CLAIM_LAPSES)


def _claim(email_id: int) -> OutgoingEmail | None:
    """Take one email to send, stamped now: a sender that died lets it go after a while."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.sent_at.is_(None), _unclaimed(now))
        .values(claimed_at=now, attempts=OutgoingEmail.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(OutgoingEmail, email_id, populate_existing=True) if claimed else None


def _failed(email: OutgoingEmail, error: Exception) -> None:
    email.claimed_at, email.last_error = None, f"{type(error).__name__}: {error}"[:1000]
    db.session.commit()
    if email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        log.error("Gave up on email %s to %s after %d attempts: %s",
                  email.id, email.to_address, email.attempts, error)  # fmt: skip
    else:
        log.warning("Email %s was not sent, and will be tried again: %s", email.id, error)


def build_message(email: OutgoingEmail) -> EmailMessage:
    # Long lines stay whole (RFC 5322 allows 998 characters): folded, a link in a header would be
    # turned into encoded words that mail apps don't read as an address.
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="blossom.invalid")
    if email.unsubscribe_url:
        # RFC 8058: mail apps offer "Unsubscribe", and a POST to the address does it at once.
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text_body)
    message.add_alternative(email.html_body, subtype="html")
    return message


class _SMTP:
    def __init__(self, config) -> None:
        address, timeout = (config["MAIL_SERVER"], config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
        if config["MAIL_USE_SSL"]:
            self.smtp = smtplib.SMTP_SSL(
                *address, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            self.smtp = smtplib.SMTP(*address, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                self.smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            self.smtp.close()
            raise

    def send(self, message: EmailMessage) -> None:
        self.smtp.send_message(message)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


class _Folder:
    """With no mail server set up, each email is written to a file a person can open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
        path = self.folder / f"{stamp}.eml"
        path.write_bytes(bytes(message))
        log.warning("No MAIL_SERVER is set: the email to %s was written to %s", message["To"], path)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def mail_folder() -> Path:
    return Path(current_app.config["MAIL_FOLDER"] or Path(current_app.instance_path) / "mail")


def _transport():
    config = current_app.config
    return _SMTP(config) if config["MAIL_SERVER"] else _Folder(mail_folder())


def init_mail(app: Flask) -> None:
    """Enqueue sending what a request wrote to the outbox once it has committed and the answer
    has gone: "Forgot your password?" takes as long for an address with an account as for one
    without, and a member never waits on the queue, let alone a mail server."""

    @app.before_request
    def serving() -> None:
        g.serving_request = True  # not a command's or a task's request context, made for links

    @app.after_request
    def send_queued(response):
        ready = g.pop("mail_ready", None)
        if ready:
            response.call_on_close(partial(_enqueue, ready))
        return response
