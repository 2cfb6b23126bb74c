"""Whose support resources a reader sees: her country, from her setting, else a visitor's choice
on the support page (a cookie), else her browser's region ("es-MX" is Mexico) if Blossom has
resources for it, else the site's."""

from flask import has_request_context, request
from flask_login import current_user

from forum.services import safety

COOKIE = "country"


def current_country() -> str:
    if not has_request_context():
        return safety.default_country()
    if current_user.is_authenticated and (chosen := safety.shipped(current_user.country)):
        return chosen
    if chosen := safety.shipped(request.cookies.get(COOKIE)):
        return chosen
    for value, _quality in request.accept_languages:
        parts = value.replace("_", "-").split("-")[1:]
        regions = [p for p in parts if len(p) == 2 and p.isalpha()]
        if regions and (asked := safety.shipped(regions[0])):
            return asked
    return safety.default_country()
