"""Blossom: a peer-support forum for working parents."""

from pathlib import Path

from flask import Flask

from forum import auth, moderation, notifications, profiles, replies, reports, support, threads
from forum.cli import register_commands
from forum.config import Config, instance_secret_key
from forum.database import configure_engine
from forum.errors import register_error_pages
from forum.extensions import csrf, db, login_manager, migrate
from forum.models import User
from forum.services.mail import init_mail
from forum.templating import register_templating
from forum.urls import IdConverter, TextConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] = Config) -> Flask:
    app = Flask(
        __name__,
        template_folder=ROOT / "templates",
        static_folder=ROOT / "static",
        instance_relative_config=True,
    )
    app.config.from_object(config)
    app.url_map.converters.update(id=IdConverter, default=TextConverter, string=TextConverter)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    init_extensions(app)
    blueprints = (auth, threads, replies, profiles, reports, support, moderation, notifications)
    for blueprint in (module.bp for module in blueprints):
        app.register_blueprint(blueprint)
    register_error_pages(app)
    register_templating(app)
    register_commands(app)
    init_mail(app)
    return app


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in first. It only takes a moment."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in member; a ban or deleting the account ends their open sessions."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return None if user is None or user.is_banned or user.is_deleted else user
