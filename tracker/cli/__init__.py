"""The ``tracker`` command line: the composition root that wires tracker, projections and web."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from babel.support import Translations
from eventsourcing.persistence import PersistenceError
from sqlalchemy import exc as sa_exc

from tracker.application import TrackerApplication
from tracker.config import ConfigError, Settings
from tracker.errors import TrackerError
from tracker.messages import render
from tracker.planfile import PlanFileError
from tracker.runtime import build_application

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """Settings and the lazily built application for one CLI invocation."""

    def __init__(self, instance: str | None, db: str | None) -> None:
        self.instance = instance
        self.db = db
        self._settings: Settings | None = None
        self._app: TrackerApplication | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.load(self.instance, self.db)
        return self._settings

    @property
    def app(self) -> TrackerApplication:
        if self._app is None:
            self._app = build_application(self.settings)
        return self._app

    def close(self) -> None:
        read_models = getattr(self, "_read_models", None)
        if read_models is not None:
            read_models.engine.dispose()
        if self._app is not None:
            self._app.close()


def fail(message: str) -> None:
    """Print to stderr and exit with status 2."""
    click.echo(message, err=True)
    sys.exit(2)


# The catalogues the web compiles; the CLI reads them as files (it imports nothing from web).
CATALOGUES = Path(__file__).resolve().parents[2] / "web" / "translations"


def reader_language() -> Callable[[str], str]:
    """gettext in the reader's language: TRACKER_LANGUAGE, else the locale (zh… or English)."""
    wanted = next((os.environ[v] for v in ("TRACKER_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
                   if os.environ.get(v)), "en")
    code = "zh_Hans_CN" if wanted.lower().startswith("zh") else "en"
    return Translations.load(str(CATALOGUES), [code]).gettext


def handles_errors(func: F) -> F:
    """Turn the errors a user can cause into a message on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlanFileError as e:
            fail(
                "The plan file was refused; nothing was written:\n"
                + "\n".join(f"  {p.where}: {p.message}" for p in e.problems)
            )
        except TrackerError as e:
            fail(render(e, reader_language()))
        except ConfigError as e:
            fail(f"Configuration error: {e}")
        except (PersistenceError, sa_exc.OperationalError, sa_exc.InterfaceError) as e:
            fail(f"The database cannot be used: {str(e).splitlines()[0]}")

    return wrapper  # type: ignore[return-value]


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option(
    "--db", metavar="URL", help="Database URL for this command (overrides TRACKER_DATABASE_URL)."
)
@click.option(
    "--instance", type=click.Path(file_okay=False), help="Instance folder (default ./instance)."
)
@click.pass_context
def main(ctx: click.Context, db: str | None, instance: str | None) -> None:
    """The accountability tracker: plans, responsible people, deadlines and an audit trail."""
    obj = Context(instance, db)
    ctx.obj = obj
    ctx.call_on_close(obj.close)


from tracker.cli import (  # noqa: E402,F401  (each registers its commands on main)
    audit,
    backup,
    core,  # noqa: E402,F401  (registers its commands on main)
    evidence,
    mail,
    projections,
    reports,
    users,
    web,
)

__all__ = ["Context", "Path", "fail", "handles_errors", "main", "pass_ctx"]
