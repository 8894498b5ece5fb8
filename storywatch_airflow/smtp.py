"""The alert mail server from Airflow's `smtp_default` connection, when there is one."""

from __future__ import annotations

from pydantic import SecretStr

from pipeline.config import Settings

SMTP_CONN_ID = "smtp_default"


def with_airflow_smtp(settings: Settings) -> Settings:
    """`settings` with `[smtp]` taken from the connection `smtp_default` if it exists.

    The connection's extras follow Airflow's SMTP provider: `disable_ssl` and `disable_tls`
    (both false by default: implicit TLS), `from_email`, `timeout`.
    """
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(SMTP_CONN_ID)
    except AirflowNotFoundException:
        return settings  # no connection: storywatch.toml's [smtp] as it is
    extra = conn.extra_dejson
    if not _flag(extra.get("disable_ssl")):
        security = "tls"
    elif not _flag(extra.get("disable_tls")):
        security = "starttls"
    else:
        security = "none"
    update = {"host": conn.host or settings.smtp.host, "security": security}
    if conn.port:
        update["port"] = conn.port
    if conn.login:
        update["username"] = conn.login
    if conn.password:
        update["password"] = SecretStr(conn.password)
    if extra.get("from_email"):
        update["sender"] = extra["from_email"]
    if extra.get("timeout"):
        update["timeout"] = float(extra["timeout"])
    return settings.model_copy(update={"smtp": settings.smtp.model_copy(update=update)})


def _flag(value) -> bool:
    # extras typed in a form or a connection URI arrive as strings
    return value is True or str(value).lower() in ("true", "1", "yes")
