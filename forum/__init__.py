"""Blossom: a peer-support forum for working parents."""

from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from forum import (
    api,
    auth,
    care,
    drafts,
    images,
    messages,
    moderation,
    notifications,
    profiles,
    push,
    pwa,
    replies,
    reports,
    search,
    support,
    threads,
)
from forum.cli import register_commands
from forum.config import Config, instance_path, instance_secret_key
from forum.database import configure_engine, end_readers_with_commit
from forum.errors import register_error_pages
from forum.extensions import csrf, db, login_manager, migrate
from forum.headers import register_security_headers
from forum.i18n import init_i18n
from forum.image_storage import init_image_storage
from forum.limits import init_limits
from forum.models import User
from forum.page_cache import init_page_cache
from forum.push_transport import instance_vapid_key, read_private_key
from forum.queue import init_queue
from forum.services import sessions
from forum.services.mail import init_mail
from forum.static_files import init_static_files
from forum.templating import register_templating
from forum.urls import IdConverter, TextConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] = Config) -> Flask:
    app = Flask(
        __name__,
        template_folder=ROOT / "templates",
        static_folder=ROOT / "static",
        instance_relative_config=True,
        instance_path=instance_path(),
    )
    app.config.from_object(config)
    app.url_map.converters.update(id=IdConverter, default=TextConverter, string=TextConverter)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.config.get("VAPID_PRIVATE_KEY"):
        app.config["VAPID_PRIVATE_KEY"] = read_private_key(app.config["VAPID_PRIVATE_KEY"])
    else:
        app.config["VAPID_PRIVATE_KEY"] = instance_vapid_key(app.instance_path)
    init_extensions(app)
    init_i18n(app)
    blueprints = (
        auth,
        threads,
        replies,
        profiles,
        reports,
        support,
        moderation,
        notifications,
        search,
        drafts,
        care,
        pwa,
        push,
        api,
        images,
        messages,
    )
    for blueprint in (module.bp for module in blueprints):
        app.register_blueprint(blueprint)
    init_page_cache(app)
    init_limits(app)  # after the blueprints: it wraps the views marked for a limit
    register_error_pages(app)
    register_security_headers(app)
    init_static_files(app)
    register_templating(app)
    register_commands(app)
    init_mail(app)
    init_queue(app)
    init_image_storage(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the last `proxies` proxies saw them, and no further.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    end_readers_with_commit(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in first. It only takes a moment.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in member, if the sign-in the cookie names has not been ended (by logging out,
    a new password, a ban, a suspension or deleting the account)."""
    return sessions.load(user_id)
