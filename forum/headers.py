"""Security headers on every response, pages and static files alike."""

from flask import Flask, current_app, request, session

from forum.api.errors import is_api

# Scripts and styles come from our own files only: the templates hold no inline script or style,
# and htmx is told not to add its indicator style (see the htmx-config meta tag in base.html).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def _signed_in() -> bool:
    return "_user_id" in session or current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors, for older browsers
        # Thread titles are in our addresses: other sites are told nothing of where a link was.
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        # A member's pages hold what is theirs: no browser or proxy keeps a copy. Read from the
        # cookies, not current_user, which would ask the database (perhaps down) once more.
        # The API answers "no-store" itself, and never reads the cookie, not even here. Static
        # files and pictures set their own (forum/images/views.py keeps a hidden post's pictures
        # out of every cache).
        if request.endpoint not in ("static", "images.show") and not is_api() and _signed_in():
            headers["Cache-Control"] = "no-store"
        return response
