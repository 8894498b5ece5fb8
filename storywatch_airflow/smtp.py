"""The alert mail server from Airflow's `smtp_default` connection, when there is one."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.smtp_connection import smtp_from_connection

SMTP_CONN_ID = "smtp_default"


def with_airflow_smtp(settings: Settings) -> Settings:
    """`settings` with `[smtp]` taken from the connection `smtp_default` if it exists (its
    extras as Airflow's SMTP provider reads them: see `smtp_from_connection`)."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(SMTP_CONN_ID)
    except AirflowNotFoundException:
        return settings  # no connection: storywatch.toml's [smtp] as it is
    return smtp_from_connection(
        settings,
        host=conn.host,
        port=conn.port,
        login=conn.login,
        password=conn.password,
        extra=conn.extra_dejson,
    )
