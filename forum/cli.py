"""Commands for `flask --app forum ...`."""

import os
from datetime import timedelta
from importlib import resources
from pathlib import Path

import click
from flask import Flask
from flask_babel import format_number, gettext, ngettext
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import run_simple

from forum import catalogs, page_cache, queue
from forum.database import db
from forum.models import Role, Thread
from forum.services import (
    accounts,
    consistency,
    digest,
    mail,
    notify,
    privacy,
    sanctions,
    search,
)
from forum.services.backup import BackupError, backup, restore
from forum.services.categories import create_default_categories
from forum.services.demo import seed_demo
from forum.services.errors import ServiceError


def _say_moderator(seeded) -> None:
    click.echo(
        gettext(
            "Demo moderator: sign in as %(username)s with the password %(password)s to try the "
            "moderation queue.",
            username=seeded.moderator,
            password=seeded.moderator_password,
        )
    )


def _sent(result: mail.Sent) -> str:
    return gettext(
        "Sent %(sent)d emails; %(failed)d will be tried again.",
        sent=result.sent,
        failed=result.failed,
    )


def register_commands(app: Flask) -> None:
    app.cli.add_command(translations)

    @app.cli.command("seed-categories")
    def seed_categories_command() -> None:
        """Create the default categories that are missing."""
        added = create_default_categories()
        db.session.commit()
        click.echo(ngettext("Added %(num)d category.", "Added %(num)d categories.", len(added)))

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Add demo members and threads (running it again adds nothing twice)."""
        seeded = seed_demo()
        db.session.commit()
        click.echo(
            ngettext("Added %(num)d demo thread.", "Added %(num)d demo threads.", seeded.threads)
        )
        _say_moderator(seeded)

    @app.cli.command("set-role")
    @click.argument("username")
    @click.argument("role", type=click.Choice([r.value for r in Role]))
    def set_role_command(username: str, role: str) -> None:
        """Make a member a moderator or admin, or a member again."""
        user = accounts.find_by_username(username)
        if user is None:
            raise click.ClickException(
                gettext("No member is called %(username)s.", username=repr(username))
            )
        try:
            sanctions.set_role(None, user, Role(role), "Set from the command line.")
        except ServiceError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(gettext("%(username)s is now %(role)s.", username=user.username, role=role))

    @app.cli.command("send-emails")
    def send_emails_command() -> None:
        """Send the emails waiting in the outbox (those a mail server refused or missed)."""
        result = mail.send_pending()
        click.echo(_sent(result))

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
    def worker_command(workers: int) -> None:
        """Run queued work (emails, notifications, pushes, digests) until stopped."""
        queue.run_worker(workers)

    @app.cli.command("requeue")
    def requeue_command() -> None:
        """Enqueue all work still due now (after losing the queue; the worker's sweeps do it too)."""
        fan_outs = notify.enqueue_due_fan_outs(timedelta(0))
        emails = mail.enqueue_waiting(timedelta(0))
        click.echo(
            gettext(
                "Enqueued telling the followers of %(replies)d replies and %(emails)d emails.",
                replies=fan_outs,
                emails=emails,
            )
        )

    @app.cli.command("send-digests")
    def send_digests_command() -> None:
        """Send each member their daily digest of what they missed, then the outbox."""
        run = digest.send_digests()
        click.echo(
            ngettext(
                "Wrote a digest for %(num)d member. Sent %(sent)d emails; %(failed)d will be "
                "tried again.",
                "Wrote digests for %(num)d members. Sent %(sent)d emails; %(failed)d will be "
                "tried again.",
                run.members,
                sent=run.emails.sent,
                failed=run.emails.failed,
            )
        )

    @app.cli.command("remove-due-posts")
    def remove_due_posts_command() -> None:
        """Erase the anonymous posts of deleted accounts whose moment has come."""
        removed = privacy.remove_due_posts()
        db.session.commit()
        click.echo(ngettext("Removed %(num)d post.", "Removed %(num)d posts.", removed))

    @app.cli.command("reindex")
    def reindex_command() -> None:
        """Build the search index again from every post."""
        with click.progressbar(
            length=search.last_post_id(), label=gettext("Indexing posts")
        ) as bar:
            indexed = search.rebuild(progress=bar.update)
        db.session.commit()
        click.echo(
            ngettext(
                "Indexed %(count)s post that everyone can read.",
                "Indexed %(count)s posts that everyone can read.",
                indexed,
                count=format_number(indexed),
            )
        )

    @app.cli.command("check-consistency")
    @click.option("--repair", is_flag=True, help="Set every counter that drifted to its recount.")
    def check_consistency_command(repair: bool) -> None:
        """Recount every denormalised counter and report (or repair) any that drifted."""
        drift = consistency.find_drift()
        for each in drift:
            click.echo(str(each))
        if not drift:
            click.echo(gettext("All counters are exact."))
            return
        if not repair:
            db.session.rollback()
            raise click.ClickException(
                ngettext(
                    "%(num)d counter drifted; run again with --repair to mend it.",
                    "%(num)d counters drifted; run again with --repair to mend them.",
                    len(drift),
                )
            )
        changed = consistency.repair()
        db.session.commit()
        click.echo(ngettext("Repaired %(num)d counter.", "Repaired %(num)d counters.", changed))

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Write a backup of the database to PATH while the forum keeps running."""
        try:
            backup(db.engine, path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(gettext("Backed up to %(path)s.", path=str(path)))

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--replace", is_flag=True, help="Overwrite a database that already has data.")
    def restore_command(path: Path, replace: bool) -> None:
        """Load the backup at PATH into the configured database (empty, unless --replace)."""
        try:
            restore(db.engine, path, replace=replace)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        page_cache.forget_everything()
        click.echo(gettext("Restored %(path)s.", path=str(path)))

    @app.cli.command("demo")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True)
    def demo_command(host: str, port: int) -> None:
        """Bring the database up to date, add demo content if it is empty, and serve the forum."""
        # The demo's parents write in British English: their support lines are the UK's.
        if app.config["SAFETY_CONFIG"] is None:
            app.config["SAFETY_CONFIG"] = str(resources.files("forum") / "data" / "safety-uk.toml")
        if "PUBLIC_URL" not in os.environ:  # emailed links lead back to this server
            app.config["PUBLIC_URL"] = f"http://{host}:{port}"
        upgrade()
        create_default_categories()
        if db.session.scalar(select(Thread.id).limit(1)) is None:
            _say_moderator(seed_demo())
        db.session.commit()
        queue.start_in_process()  # the worker, beside the server
        address = f"http://{host}:{port}/"
        click.echo(gettext("Blossom is at %(address)s (Ctrl+C to stop).", address=address))
        run_simple(host, port, app, threaded=True)


@click.group()
def translations() -> None:
    """Keep the translation catalogs (forum/translations) up to date."""


@translations.command("update")
def update_translations() -> None:
    """Extract every message again and bring each language's catalog up to date."""
    for language in catalogs.TRANSLATED:
        catalog = catalogs.update(language)
        left = sum(1 for message in catalog if message.id and not message.string)
        click.echo(
            gettext(
                "%(language)s: %(count)d messages, %(left)d to translate.",
                language=language, count=len(catalog), left=left,
            )
        )  # fmt: skip


@translations.command("check")
def check_translations() -> None:
    """Fail if a shipped language lacks a message, leaves one untranslated or fuzzy."""
    problems = [f"{code} {gap}" for code in catalogs.TRANSLATED for gap in catalogs.gaps(code)]
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(
            ngettext(
                "%(num)d message is not translated.",
                "%(num)d messages are not translated.",
                len(problems),
            )
        )
    click.echo(gettext("Every message is translated."))


@translations.command("pseudo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def pseudo_translations(folder: Path) -> None:
    """Write the pseudo-locale into FOLDER; serve it with BABEL_TRANSLATION_DIRECTORIES=FOLDER."""
    catalogs.pseudo_catalog(folder)
    click.echo(gettext("The pseudo-locale is in %(folder)s.", folder=str(folder)))
