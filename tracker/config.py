"""Settings from the environment, or from the instance folder's ``tracker.toml``."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KEYS = (
    "TRACKER_DATABASE_URL", "TRACKER_SECRET_KEY", "TRACKER_SMTP_URL", "TRACKER_YELLOW_DAYS",
    "TRACKER_TIMEZONE", "TRACKER_MAIL_FROM", "TRACKER_EVIDENCE_MAX_BYTES",
    "TRACKER_SESSION_IDLE_HOURS", "TRACKER_SESSION_MAX_HOURS", "TRACKER_TRUSTED_PROXIES",
    "TRACKER_WEBHOOK_ALLOW",
    "TRACKER_BASE_URL", "TRACKER_MAIL_LANGUAGE", "TRACKER_UNDO_WINDOW_MINUTES",
)


class ConfigError(ValueError):
    """A setting has a value that cannot work."""


@dataclass(frozen=True)
class Settings:
    """Everything the tracker reads from its surroundings."""

    instance: Path
    database_url: str
    secret_key: str
    smtp_url: str | None
    yellow_days: int
    timezone: ZoneInfo
    mail_from: str
    evidence_max_bytes: int = 20 * 1024 * 1024
    session_idle_hours: float = 8.0
    session_max_hours: float = 24.0
    trusted_proxies: int = 0
    webhook_allow: tuple[str, ...] = ()
    base_url: str = "http://127.0.0.1:5000"
    mail_language: str = "zh_Hans_CN"
    undo_window_minutes: int = 30  # how long after a change its maker may still undo it

    @property
    def evidence_folder(self) -> Path:
        """Where evidence files are kept (content-addressed by SHA-256)."""
        return self.instance / "evidence"

    @classmethod
    def load(cls, instance: str | Path | None = None, database_url: str | None = None,
             environ: dict[str, str] | None = None) -> Settings:
        """Read the environment, then the instance config file for what it does not set."""
        env = dict(os.environ if environ is None else environ)
        folder = Path(instance or env.get("TRACKER_INSTANCE") or "instance").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        cfg_file = folder / "tracker.toml"
        if cfg_file.exists():
            try:
                file_values = tomllib.loads(cfg_file.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise ConfigError(f"{cfg_file}: {e}") from e
            for key in KEYS:
                if key in file_values and key not in env:
                    env[key] = str(file_values[key])
        url = database_url or env.get("TRACKER_DATABASE_URL") or f"sqlite:///{folder/'tracker.db'}"
        try:
            yellow = int(env.get("TRACKER_YELLOW_DAYS", "3"))
        except ValueError as e:
            raise ConfigError("TRACKER_YELLOW_DAYS must be a whole number of days") from e
        try:
            tz = ZoneInfo(env["TRACKER_TIMEZONE"]) if env.get("TRACKER_TIMEZONE") else local_zone()
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ConfigError(f"Unknown TRACKER_TIMEZONE {env.get('TRACKER_TIMEZONE')!r}") from e
        try:
            max_bytes = int(env.get("TRACKER_EVIDENCE_MAX_BYTES") or 20 * 1024 * 1024)
        except ValueError as e:
            raise ConfigError("TRACKER_EVIDENCE_MAX_BYTES must be a whole number of bytes") from e
        if max_bytes < 1:
            raise ConfigError("TRACKER_EVIDENCE_MAX_BYTES must be at least 1")
        base_url = env.get("TRACKER_BASE_URL") or "http://127.0.0.1:5000"
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError("TRACKER_BASE_URL must start with http:// or https://")
        raw_window = (env.get("TRACKER_UNDO_WINDOW_MINUTES") or "30").strip()
        if not raw_window.isdigit() or not 1 <= int(raw_window) <= 7 * 24 * 60:
            raise ConfigError("TRACKER_UNDO_WINDOW_MINUTES must be a whole number of minutes, "
                              "1 to 10080 (a week)")
        mail_language = env.get("TRACKER_MAIL_LANGUAGE") or "zh_Hans_CN"
        if mail_language not in ("zh_Hans_CN", "en"):
            raise ConfigError("TRACKER_MAIL_LANGUAGE must be zh_Hans_CN or en")
        return cls(
            **security_settings(env),
            instance=folder, database_url=url, secret_key=env.get("TRACKER_SECRET_KEY")
            or secret_from(folder), smtp_url=env.get("TRACKER_SMTP_URL") or None,
            yellow_days=yellow, timezone=tz,
            mail_from=env.get("TRACKER_MAIL_FROM", "tracker@localhost"),
            evidence_max_bytes=max_bytes, base_url=base_url, mail_language=mail_language,
            undo_window_minutes=int(raw_window),
        )


def security_settings(env: dict[str, str]) -> dict[str, Any]:
    """Session lifetimes, the trusted proxies and the networks webhooks may reach."""
    values: dict[str, Any] = {}
    for key, field in (("TRACKER_SESSION_IDLE_HOURS", "session_idle_hours"),
                       ("TRACKER_SESSION_MAX_HOURS", "session_max_hours")):
        if env.get(key):
            try:
                values[field] = float(env[key])
            except ValueError:
                raise ConfigError(f"{key} must be a number of hours") from None
            if not 0 < values[field] <= 24 * 366:
                raise ConfigError(f"{key} must be more than 0 and at most a year")
    if env.get("TRACKER_TRUSTED_PROXIES"):
        raw = env["TRACKER_TRUSTED_PROXIES"].strip()
        if not raw.isdigit() or int(raw) > 10:
            raise ConfigError("TRACKER_TRUSTED_PROXIES must be how many proxies (0 to 10) "
                              "stand in front of the server")
        values["trusted_proxies"] = int(raw)
    allow = [n.strip() for n in env.get("TRACKER_WEBHOOK_ALLOW", "").split(",") if n.strip()]
    for network in allow:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(f"TRACKER_WEBHOOK_ALLOW: {network!r} is not a network "
                              "such as 127.0.0.1/32 or 10.1.0.0/16") from None
    values["webhook_allow"] = tuple(allow)
    return values


def secret_from(folder: Path) -> str:
    """The secret key kept in the instance folder, generated on first start."""
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def local_zone() -> ZoneInfo:
    """The machine's time zone (UTC when it cannot be told)."""
    link = Path("/etc/localtime")
    if link.is_symlink():
        name = str(link.resolve()).split("zoneinfo/")[-1]
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(os.environ.get("TZ") or "UTC") if os.environ.get("TZ") else ZoneInfo("UTC")
