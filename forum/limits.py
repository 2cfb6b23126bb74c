"""Rate limits, by name, in one place.

A view takes a named limit with one decorator, under its route: ``@limited("search")``. The app
factory gives each app its own Flask-Limiter (it keeps its storage on the instance) and applies
the named limits to the views that ask for them. Counts live in Redis when REDIS_URL is set, so
every gunicorn worker and host shares them; otherwise in a SQLite file in the instance folder
(forum/limit_storage.py), which every worker on this host shares. (Counted in memory, each worker
would count on its own: with four, a limit of 5 would let about 20 through.)

The client's address is the one the last TRUSTED_PROXIES proxies saw (werkzeug's ProxyFix); with
none trusted, a forged X-Forwarded-For changes nothing. Sign-in also counts per account, so
changing address doesn't reset that count either.

Posting counts only what was published, and counts replies in her own thread or in a thread
where someone may be at risk on their own, with more room (the rule: forum/services/pace.py).
The 429 page says when the limit that was reached lets her in again (`wait_seconds`).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session
from flask_limiter import Limiter
from flask_login import current_user

from forum import limit_storage
from forum.services import accounts, pace

STORAGE_FILE = "rate-limits.sqlite"  # in the instance folder, without REDIS_URL


def by_address() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def by_member() -> str:
    """The signed-in member (or the API token's: one count for pages and API); their address
    when nobody is signed in."""
    member = _member()
    return f"member:{member.id}" if member is not None else by_address()


def by_token() -> str:
    """The API token asking (a visitor has none: her address is counted instead)."""
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else by_address()


def by_login() -> str:
    """The username or email a sign-in is for, normalised as sign-in reads it. Not the account
    behind it: if a username and an email shared one count only when they were one member's,
    the count would tell who has which address. So one account has two counts at most."""
    return f"login:{accounts.login_key(request.form.get('login', ''))[:254]}"


def by_email() -> str:
    return f"email:{accounts.email_key(request.form.get('email', ''))[:254]}"


def by_recipient() -> str:
    """The address an email would go to: the one typed in the form, else the member's own, else
    the one this browser has just signed up with ("send it again" before she can sign in)."""
    typed = request.form.get("email", "")
    if not typed.strip() and current_user.is_authenticated:
        typed = current_user.email
    elif not typed.strip() and isinstance(joining := session.get("joining"), dict):
        typed = str(joining.get("email", ""))
    return f"email:{accounts.email_key(typed)[:254]}"


def _failed(response: Response) -> bool:
    """A sign-in that didn't go through (a success redirects): only these count per account."""
    return response.status_code != 302


def _sent(response: Response) -> bool:
    """A form that sent its email (it redirects): a refused one costs the address nothing, so
    nobody can use up someone else's address by failing the form on purpose."""
    return response.status_code == 302


def _refused(response: Response) -> bool:
    """A form confirmed with the password that was refused (a wrong password among others)."""
    return response.status_code >= 400


def _published(response: Response) -> bool:
    """A post that went up (it redirects to the post; the API answers 201). A second look
    before posting, "Check for similar threads" and a refused form answer with a page, and
    cost nothing."""
    return response.status_code in (201, 302, 303)


def _member():
    """The member asking: the API's token's (whose requests never read the cookie), or the
    signed-in member's."""
    if "api_member" in g:
        return g.api_member if g.api_member.is_authenticated else None
    return current_user if current_user.is_authenticated else None


def _gentler() -> bool:
    """Whether this reply takes the gentler posting count; asked once a request."""
    if "gentler_posting" not in g:
        member, thread_id = _member(), (request.view_args or {}).get("thread_id")
        gentler = request.method == "POST" and member is not None
        g.gentler_posting = gentler and pace.is_gentler(member, thread_id)
    return g.gentler_posting


def _no_token() -> bool:
    return g.get("api_token") is None


def _ordinary() -> bool:
    return not _gentler()


def _posting() -> str:
    return pace.allowance(_member(), gentler=False)


def _gentler_posting() -> str:
    return pace.allowance(_member(), gentler=True)


def _messaging() -> str:
    """Requests and messages: new accounts wait longer."""
    return (
        "3 per minute; 20 per hour"
        if pace.is_new_account(_member())
        else "10 per minute; 120 per hour"
    )


@dataclass(frozen=True)
class Rule:
    limit: str | Callable[[], str]
    key: Callable[[], str]
    # What writes: the pages post, the API also puts, patches and deletes. None: every method.
    methods: tuple[str, ...] | None = ("POST", "PUT", "PATCH", "DELETE")
    deduct_when: Callable[[Response], bool] | None = None
    exempt_when: Callable[[], bool] | None = None


LIMITS: dict[str, tuple[Rule, ...]] = {
    "sign-in": (
        Rule("5 per minute; 20 per hour", by_login, deduct_when=_failed),
        Rule("30 per minute; 200 per hour", by_address),
    ),
    "sign-up": (Rule("5 per hour; 20 per day", by_address),),
    "password-reset": (
        Rule("3 per hour", by_email),
        Rule("10 per hour", by_address),
    ),
    "posting": (
        Rule(_posting, by_member, deduct_when=_published, exempt_when=_gentler),
        Rule(_gentler_posting, by_member, deduct_when=_published, exempt_when=_ordinary),
    ),
    # Counted apart from posting, with the same numbers: each edit is rendered and kept.
    "editing": (Rule(_posting, by_member),),
    # Forms a signed-in member confirms with her password: guessing it is counted as at sign-in.
    "password-check": (Rule("5 per minute; 20 per hour", by_member, deduct_when=_refused),),
    # Forms that send an email to an address: per member, and per address whoever asks.
    "email-sending": (
        Rule("5 per hour; 20 per day", by_member),
        Rule("3 per hour; 10 per day", by_recipient, deduct_when=_sent),
    ),
    "reactions": (Rule("60 per minute; 600 per hour", by_member),),
    # Saved as she types, a second or so after she stops: room for a fast typist all day.
    "drafts": (Rule("60 per minute; 1500 per hour", by_member),),
    "messages": (Rule(_messaging, by_member),),
    "reports": (Rule("10 per hour; 30 per day", by_member),),
    "search": (Rule("30 per minute", by_member, methods=None),),
    # Every API request, besides the limits of what it does: per token, and per address.
    "api": (
        Rule("120 per minute; 3000 per hour", by_token, methods=None, exempt_when=_no_token),
        Rule("300 per minute; 6000 per hour", by_address, methods=None),
    ),
}


def limited(name: str):
    """Mark a view for the named limit; put it under the route decorator."""
    if name not in LIMITS:
        raise KeyError(f"No rate limit is named {name!r}")

    def mark(view):
        view.rate_limits = (*getattr(view, "rate_limits", ()), name)
        return view

    return mark


def init_limits(app: Flask) -> None:
    """Apply the named limits to the views marked for them, if RATELIMIT_ENABLED."""
    if not app.config["RATELIMIT_ENABLED"]:
        return
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        path = Path(app.instance_path) / STORAGE_FILE
        app.config["RATELIMIT_STORAGE_URI"] = f"{limit_storage.SCHEME}:///{path}"
    limiter = Limiter(key_func=by_address)
    limiter.init_app(app)
    for endpoint, view in list(app.view_functions.items()):
        wrapped = view
        for name in getattr(view, "rate_limits", ()):
            for number, rule in enumerate(LIMITS[name]):
                wrapped = limiter.shared_limit(
                    rule.limit,
                    scope=f"{name}-{number}",
                    key_func=rule.key,
                    methods=list(rule.methods) if rule.methods else None,
                    deduct_when=rule.deduct_when,
                    exempt_when=rule.exempt_when,
                )(wrapped)
        app.view_functions[endpoint] = wrapped


def wait_seconds() -> int | None:
    """How long until the limit this request reached lets it through again; None if unknown."""
    for limiter in current_app.extensions.get("limiter", ()):
        reached = limiter.current_limit
        if reached is not None and reached.breached:
            try:
                return max(int(reached.reset_at - time.time()), 1)
            except Exception:  # the storage went away: the page says "a little while"
                return None
    return None
