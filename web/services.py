"""The per-process objects a request needs: the application, the read models and queries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from flask import current_app, g, has_request_context

from projections.engine import ReadModels
from projections.inbox import InboxView
from projections.queries import Queries
from tracker.accounts import Accounts, make_engine
from tracker.application import Result
from tracker.config import Settings
from tracker.domain.lifecycle import Rule
from tracker.domain.status import Status
from tracker.inboxreads import ReadMarks
from tracker.permissions import Actor
from tracker.runtime import build_application
from tracker.savedviews import SavedViews
from tracker.storage import parse_database_url
from tracker.webhooks import Webhooks, WebhookWorker

F = TypeVar("F", bound=Callable[..., Any])


class Services:
    """One application object and one set of read models per process (no module singletons)."""

    def __init__(self, settings: Settings, config: Any) -> None:
        self.settings = settings
        self.store = parse_database_url(settings.database_url)
        self.tracker = build_application(settings)
        self.read_models = ReadModels(self.tracker, self.store, yellow_days=settings.yellow_days)
        self.read_models.create_tables()
        self.queries = Queries(self.read_models, self.tracker.today, settings.yellow_days)
        self.queries.scope = request_memo  # the directory is read once per request
        self.tracker.column_count = self._column_count  # column limits are enforced
        self.queue_counts: dict[tuple[Any, ...], int] = {}  # the nav's counts (web.board.queue)
        # Accounts and webhooks are state of their own, not rebuildable read models: they use
        # an engine whose commits wait for the disk (the read models' do not).
        self.state_engine = make_engine(self.store)
        self.accounts = Accounts(self.state_engine)
        self.accounts.create_tables()
        self.inbox = InboxView(self.read_models.engine)
        self.read_marks = ReadMarks(self.state_engine)  # survives a rebuild of the inbox
        self.read_marks.create_tables()
        self.webhooks = Webhooks(self.state_engine, settings.webhook_allow)
        self.saved_views = SavedViews(self.state_engine)
        self.saved_views.create_tables()
        self.webhooks.create_tables()
        self.webhook_worker = WebhookWorker(self.tracker, self.webhooks, config)
        if config.get("WEBHOOKS_ENABLED", True):
            self.webhook_worker.start_if_hooks()
        # Every web process applies the events its own commands saved (``sync``). Events
        # written elsewhere (the CLI, a restore, other processes): on SQLite this process
        # catches up with them before a read; on PostgreSQL a separate `tracker projections
        # run` does, unless this process is told to.
        self.sync_projections = bool(config.get("SYNC_PROJECTIONS", self.store.kind == "sqlite"))
        self._lock = threading.Lock()
        if self.sync_projections:
            self.read_models.catch_up()

    def sync(self, saved: Result | int | None) -> None:
        """Read-your-writes: the next page rendered shows the command's effect.

        A command's Result carries the events it saved: they are applied to the read models
        at once (``ReadModels.apply_saved``). Given only a notification id (a path that does
        not return its recordings), this process catches the read models up itself. Either
        way it waits for no other process."""
        recordings = saved.recordings if isinstance(saved, Result) else ()
        last = saved.notification_id if isinstance(saved, Result) else saved
        if last is None:
            self.fresh()  # nothing saved: the read models as any read sees them
            return
        forget_request_memo()  # the events may change what the request read before
        self.webhook_worker.wake()
        with self._lock:
            if recordings and recordings[-1].notification.id == last:
                self.read_models.apply_saved(recordings)  # catches up first when behind
            else:
                self.read_models.catch_up()
        _checked_fresh()  # the read models stand at least where fresh() would bring them

    def fresh(self) -> None:
        """Before a read: catch up with events other processes saved (the CLI, a restore).

        One query when nothing is new, asked once per request (a command's own sync counts);
        on PostgreSQL the projection process does this."""
        if not self.sync_projections or _checked_fresh():
            return
        if self.read_models.behind():
            with self._lock:
                self.read_models.catch_up()
            forget_request_memo()

    def _column_count(self, plan_key: str, status: Status) -> int:
        """How many cards a plan's board column holds now, for the column limit a command
        enforces (up to date first: the command's route may have skipped fresh())."""
        self.fresh()
        return self.queries.column_count(plan_key, status)

    def run(
        self,
        item: UUID | str,
        command: str | Rule,
        actor: Actor,
        expected_version: int | None = None,
        **values: Any,
    ) -> Result:
        """Run one item command and wait until the read models show it."""
        result = self.tracker.execute(item, command, actor, expected_version, **values)
        self.sync(result)
        if result.plan_key is not None and result.leadership is not None:
            self._roles_memo()[result.plan_key] = result.leadership  # as the command had them
        return result

    def plan_roles(self, plan_key: str) -> dict[str, str]:
        """A plan's roles {person: role}, read once per request (a command's own count: it
        read them just now)."""
        memo = self._roles_memo()
        if plan_key not in memo:
            memo[plan_key] = self.tracker.leadership(plan_key)
        return memo[plan_key]

    @staticmethod
    def _roles_memo() -> dict[str, dict[str, str]]:
        """The plans' roles this request has read (outside a request: a fresh dict each time)."""
        if not has_request_context():
            return {}
        memo: dict[str, dict[str, str]] = g.setdefault("plan_roles", {})
        return memo

    def create_item(self, actor: Actor, plan_key: str, **fields: Any) -> Result:
        """Create an item and wait until the read models show it."""
        result = self.tracker.create_item(actor, plan_key, **fields)
        self.sync(result)
        return result

    def create_recurring_item(self, actor: Actor, plan_key: str, **fields: Any) -> Result:
        """Create a recurring item (one per period) and wait until the read models show it."""
        result = self.tracker.create_recurring_item(actor, plan_key, **fields)
        self.sync(result)
        return result

    def close(self) -> None:
        """Release the database connections."""
        self.webhook_worker.stop()
        self.state_engine.dispose()
        self.read_models.engine.dispose()
        self.tracker.close()


def request_memo() -> dict[str, Any] | None:
    """What this request has read already (None outside a request: nothing is kept)."""
    if not has_request_context():
        return None
    memo: dict[str, Any] = g.setdefault("read_memo", {})
    return memo


def _checked_fresh() -> bool:
    """Whether this request has brought the read models up to date already; from now on it
    has (outside a request: never, every call checks)."""
    if not has_request_context():
        return False
    checked = bool(g.get("read_models_fresh"))
    g.read_models_fresh = True
    return checked


def syncs_itself(view: F) -> F:
    """Marks a command route whose command brings the read models up to date itself
    (Services.sync); it asks fresh() only on the paths that render without running one."""
    view.syncs_itself = True  # type: ignore[attr-defined]
    return view


def forget_request_memo() -> None:
    """After events were applied: the request reads afresh."""
    if has_request_context():
        g.pop("read_memo", None)


def services() -> Services:
    """The current app's services."""
    return current_app.extensions["tracker"]  # type: ignore[no-any-return]
