"""A failed Airflow task, recorded in DuckDB and told to the operator (called by the DAGs'
failure callback; no Airflow here: the callback passes plain values)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from . import mailer, report
from .config import Settings
from .store import StoreError, open_store

log = logging.getLogger(__name__)
# a failure callback must not hang on a database that another task holds
LOCK_TIMEOUT = 15.0


def record_failure(settings: Settings, failure: dict) -> bool:
    """Store the failure (dag_id, task_id, run_id, try_number, error) and email the operator.

    Returns whether it was new: a callback run again for the same try records and sends nothing.
    """
    try:
        with open_store(settings.database, lock_timeout=LOCK_TIMEOUT) as store:
            new = bool(store.rows("insert_task_failure", failure))
    except StoreError as exc:
        # the failure may be the database itself; the operator should still hear of it
        log.warning("could not record the failure in DuckDB: %s", exc)
        new = True
    to = settings.airflow.operator_email
    if new and to:
        notice = report.failure_notice(failure, settings.smtp.sender, to, datetime.now(UTC))
        error = mailer.send_notice(settings.smtp, notice)
        if error:
            log.warning("could not email the operator about the failure: %s", error)
    return new
