"""Proving an email address is the member's, changing it, and getting back into an account.

Links are signed and expire. A verification link is for one address and works once; a reset link
carries a fingerprint of the password it replaces, so it works once and dies with any change. A
new address takes the place of the old one only when the link sent to it is opened: until then
nothing changes, so the form can answer the same whether or not the address has an account.

A verification link also carries a mark of the browser that signed up (a digest of a random
value kept in that browser's session). Opened there, the click that confirms the address also
signs her in; opened anywhere else it only confirms, so a link read over a shoulder or
forwarded signs nobody in.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from forum.database import db, utcnow
from forum.i18n import written_for
from forum.models import User
from forum.services import accounts, links, mail
from forum.services.errors import ServiceError

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
# Subjects are lazy: each email is written in the language of the member it goes to.
RESET_SUBJECT = lazy_gettext("Resetting your Blossom password")


def _send_link(user: User, subject, purpose: str, endpoint: str, payload: dict) -> None:
    link = links.external(endpoint, token=links.make_token(purpose, {"u": user.id} | payload))
    _queue(user, user.email, subject, purpose, link=link)


def _queue(member: User, address: str, subject, template: str, **context) -> None:
    """An email about `member`'s account, written in her language whoever's request sends it
    (someone else signing up with her address, a reset asked for from any browser)."""
    with written_for(member):
        mail.queue(address, subject, template, user=member, **context)


def _owner_of(key: str) -> User | None:
    return db.session.scalar(select(User).where(User.email_key == key))


@dataclass(frozen=True)
class Confirmation:
    user: User
    confirmed_now: bool  # this click confirmed the address (a second click finds it done)
    signs_in: bool  # ...in the browser that signed up, for an account that may sign in


def browser_mark(browser: str | None) -> str:
    """What a link carries of the browser's secret value: a digest, never the value itself."""
    return hashlib.sha256(f"blossom-browser\n{browser or ''}".encode()).hexdigest()[:32]


def sign_up(
    username: str,
    email: str,
    password: str,
    browser: str | None = None,
    *,
    locale: str | None = None,
) -> User | None:
    """A new account and a link to confirm its address; or, if the address already has an
    account, an email to its owner saying so. The one signing up is told the same either way,
    so nobody can learn from this form who is a member. `browser` is the random value kept in
    the signing-up browser's session: the link signs in only there. `locale` is the language of
    the page she signed up on: her account's language, so this email and the next come in it."""
    try:
        user = accounts.register(username, email, password, locale=locale)
    except accounts.EmailTaken:
        owner = _owner_of(accounts.email_key(email))
        if owner is not None:
            _queue(
                owner,
                owner.email,
                lazy_gettext("Someone tried to sign up to Blossom with your address"),
                "signup_attempt",
                name=owner.display_name,
                login_link=links.external("auth.login"),
                forgot_link=links.external("auth.forgot"),
            )
        return None
    send_verification(user, browser)
    return user


def send_verification(user: User, browser: str | None = None) -> None:
    payload = {"e": user.email_key} | ({"b": browser_mark(browser)} if browser else {})
    subject = lazy_gettext("Please confirm your email for Blossom")
    _send_link(user, subject, "verify", "auth.verify", payload)


def send_verification_again(address: str, browser: str | None) -> None:
    """ "Send it again" from the page after signing up, before she can sign in: a new link if
    the address has an account still waiting to be confirmed, nothing otherwise, and the same
    answer either way. The link only ever goes to the address itself, so nobody can use this to
    do more than signing up already lets them: send that address an email, within the limits."""
    user = _owner_of(accounts.email_key(address))
    if user is not None and user.email_verified_at is None and not user.is_banned:
        send_verification(user, browser)


def verify_email(token: str, browser: str | None = None) -> Confirmation:
    """Confirm the address a link was sent to, and say whether this click confirmed it and may
    sign in: only the click that confirms (so a link works once), only in the browser whose
    value the link carries a mark of, and never for a banned account. A second click (or a mail
    app opening the link first) finds it confirmed: that is the answer the member wanted, not an
    error."""
    payload = links.read_token("verify", token, VERIFY_MAX_AGE)
    user = links.member_in(payload)
    if user is None or user.email_key != payload.get("e"):
        raise links.BadLink(
            gettext(
                "This link is for an email address that is no longer on the account. "
                "If you changed it, use the link in the newest email."
            )
        )
    if user.email_verified_at is not None:
        return Confirmation(user, confirmed_now=False, signs_in=False)
    user.email_verified_at = utcnow()
    mark = payload.get("b")
    same_browser = (
        browser is not None
        and isinstance(mark, str)
        and hmac.compare_digest(mark, browser_mark(browser))
    )
    return Confirmation(user, confirmed_now=True, signs_in=same_browser and not user.is_banned)


def _fingerprint(user: User) -> str:
    """Changes with the password or the address: a link sent to an old mailbox dies with it."""
    return hashlib.sha256(f"{user.password_hash}\n{user.email_key}".encode()).hexdigest()[:24]


def request_password_reset(address: str) -> None:
    """Send a reset link if the address has an account. The caller says the same either way."""
    user = db.session.scalar(select(User).where(User.email_key == accounts.email_key(address)))
    if user is None or user.is_banned:
        # The same work as for a member, then dropped, so the answer takes as long; the email
        # itself is sent after the response either way (see mail.init_mail).
        token = links.make_token("reset", {"u": 0, "p": "0" * 24})
        mail.render(
            "reset",
            RESET_SUBJECT,
            name=address,
            link=links.external("auth.reset", token=token),
        )
        return
    _send_link(user, RESET_SUBJECT, "reset", "auth.reset",
               {"p": _fingerprint(user)})  # fmt: skip


def user_for_reset(token: str) -> User:
    payload = links.read_token("reset", token, RESET_MAX_AGE)
    user = links.member_in(payload)
    if user is None or user.is_banned or payload.get("p") != _fingerprint(user):
        raise links.BadLink(
            gettext(
                "This link has already been used, or your password has changed since it was "
                "sent. You can ask for a new one."
            )
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset(token)
    try:
        accounts.check_password(new_password, user.username, user.email.split("@")[0])
    except ServiceError as error:
        raise ServiceError(error.message, "password") from None
    accounts.set_password(user, new_password)
    user.email_verified_at = user.email_verified_at or utcnow()  # they read mail sent there
    return user


def change_email(user: User, password: str, new_address: str) -> None:
    """Send a link to the new address; the address changes when it is opened. If the address
    already has an account, its owner is told instead, and the one asking sees the same answer,
    so this form tells nobody who is a member."""
    accounts.ensure_can_write(user)
    if not check_password_hash(user.password_hash, password):
        raise ServiceError(gettext("That isn't your current password."), "password")
    new_address, key = new_address.strip(), accounts.email_key(new_address)
    if key == user.email_key:
        raise ServiceError(gettext("That's the address you have already."), "email")
    owner = _owner_of(key)
    if owner is not None:
        _queue(
            owner,
            owner.email,
            lazy_gettext("Someone tried to use your address on Blossom"),
            "email_in_use",
            name=owner.display_name,
            login_link=links.external("auth.login"),
        )
        return
    link = links.external(
        "auth.confirm_email_change",
        token=links.make_token(
            "change-email", {"u": user.id, "from": user.email_key, "to": new_address}
        ),
    )
    subject = lazy_gettext("Please confirm your new email for Blossom")
    _queue(user, new_address, subject, "email_change", name=user.display_name, link=link)


def confirm_email_change(token: str) -> User:
    """The link sent to a new address: the address becomes the account's, confirmed, and the
    old one is told, in case it wasn't her."""
    payload = links.read_token("change-email", token, VERIFY_MAX_AGE)
    user = links.member_in(payload)
    new_address = str(payload.get("to", ""))
    key = accounts.email_key(new_address)
    if user is None or user.is_banned:
        raise links.BadLink(gettext("This link is no longer valid."))
    if user.email_key == key:
        raise links.BadLink(
            gettext("This link has already been used: your new address is confirmed.")
        )
    if user.email_key != payload.get("from"):
        raise links.BadLink(
            gettext(
                "Your email address has changed since this link was sent. "
                "If you want this address, ask for the change again."
            )
        )
    taken = links.BadLink(
        gettext("That address has an account now, so it can't be moved to yours.")
    )
    if _owner_of(key) is not None:
        raise taken
    old_address = user.email
    try:
        with db.session.begin_nested():  # another account confirming it at the same moment
            user.email, user.email_key, user.email_verified_at = new_address, key, utcnow()
    except IntegrityError:
        raise taken from None
    subject = lazy_gettext("Your Blossom email address was changed")
    _queue(user, old_address, subject, "email_changed")
    return user
