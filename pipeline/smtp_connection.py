"""An Airflow SMTP connection (`smtp_default`) as storywatch's `[smtp]`: the connection's
fields taken as plain values, so that the pipeline needs no Airflow to read them."""

from __future__ import annotations

import json
from collections.abc import Mapping

from pydantic import ValidationError

from .config import ConfigError, Settings, SmtpConfig, validation_message


def smtp_from_connection(
    settings: Settings,
    *,
    host: str | None,
    port: int | None = None,
    login: str | None = None,
    password: str | None = None,
    extra: Mapping | str | None = None,
) -> Settings:
    """Settings whose `[smtp]` comes from an Airflow SMTP connection (`smtp_default`).

    Takes the connection's fields as plain values, so that the pipeline needs no Airflow:
    `smtp_from_connection(settings, host=c.host, port=c.port, login=c.login,
    password=c.password, extra=c.extra_dejson)`. `extra` is a dict or its JSON text with the
    SMTP provider's keys: `from_email` (the sender), `disable_ssl` and `disable_tls`,
    `timeout` (seconds). As in the provider, a connection is implicit TLS unless `disable_ssl`,
    then STARTTLS unless `disable_tls`, then plain; without a port, 465 for TLS, else 587.
    Keys the provider has that storywatch does not use (`retry_limit`, templates) are
    ignored; `ssl_context = "none"` is refused, as certificates are always checked. What the
    connection leaves empty keeps the value of `settings`. Raises ConfigError when a value
    is unusable.
    """
    options = _connection_extra(extra)
    if str(options.get("ssl_context", "default")).lower() == "none":
        raise ConfigError("smtp_default: ssl_context 'none' is refused; certificates are checked")
    if not _flag(options, "disable_ssl"):
        security = "tls"
    elif not _flag(options, "disable_tls"):
        security = "starttls"
    else:
        security = "none"
    values = settings.smtp.model_dump() | {
        "security": security,
        "port": port or (465 if security == "tls" else 587),
    }
    if host:
        values["host"] = host
    if login:
        values["username"] = login
    if password:
        values["password"] = password
    if options.get("from_email"):
        values["sender"] = options["from_email"]
    if options.get("timeout") not in (None, ""):
        values["timeout"] = options["timeout"]
    try:
        smtp = SmtpConfig(**values)
    except ValidationError as exc:
        raise ConfigError("smtp_default: " + validation_message(exc)) from None
    return settings.model_copy(update={"smtp": smtp})


def _connection_extra(extra: Mapping | str | None) -> dict:
    if not extra:
        return {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"smtp_default: extra is not JSON: {exc}") from None
    if not isinstance(extra, Mapping):
        raise ConfigError("smtp_default: extra must be a JSON object")
    return dict(extra)


def _flag(options: dict, key: str) -> bool:
    """A boolean the way connection forms spell it: true, "true", "1", "yes", "on"."""
    value = options.get(key, False)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
