"""Static files under versioned addresses, kept by browsers for a year.

`url_for("static", filename=...)` adds `?v=` and the first characters of a hash of the file, so
a changed file has a new address. A request naming the file's current hash may be kept for a
year without asking again (`immutable`); any other (an old page naming an old hash, or no hash)
gets the file as it is now, which browsers check again as usual.
"""

import hashlib
from pathlib import Path

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 31536000
LONG_LIVED = f"public, max-age={YEAR}, immutable"


def init_static_files(app: Flask) -> None:
    hashes: dict[str, tuple[float, str]] = {}  # file name: (modified, hash), read once a change

    def version(filename: str) -> str | None:
        path = safe_join(str(app.static_folder), filename)
        if path is None:
            return None
        try:
            modified = Path(path).stat().st_mtime
            if (known := hashes.get(filename)) and known[0] == modified:
                return known[1]
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        except OSError:
            return None
        hashes[filename] = (modified, digest)
        return digest

    @app.url_defaults
    def versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            if found := version(values.get("filename", "")):
                values["v"] = found

    @app.after_request
    def kept_long(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args["v"] == version(filename):
                response.headers["Cache-Control"] = LONG_LIVED
                response.expires = None
        return response
