"""docker/compose.yaml, read as Docker Compose would: the services fit together."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.paths import PROJECT_ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML comes with the `airflow` extra")

COMPOSE = PROJECT_ROOT / "docker" / "compose.yaml"
AIRFLOW = {"api-server", "scheduler", "dag-processor", "triggerer"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # anchors and merge keys resolved


def test_every_airflow_component_runs_from_the_project_image(compose):
    services = compose["services"]
    assert set(services) == AIRFLOW | {"worker", "airflow-init", "postgres", "redis", "mailpit"}
    for name in AIRFLOW | {"worker", "airflow-init"}:
        service = services[name]
        assert service["image"] == "storywatch:latest", name
        dockerfile = (COMPOSE.parent / service["build"]["context"]) / service["build"]["dockerfile"]
        assert dockerfile.resolve() == PROJECT_ROOT / "docker" / "Dockerfile", name
        if name in AIRFLOW:
            assert service["entrypoint"] == ["airflow"] and service["command"] == [name], name
            assert service["depends_on"]["airflow-init"]["condition"] == (
                "service_completed_successfully"
            )
    worker = services["worker"]
    assert worker["entrypoint"] == ["airflow"] and worker["command"] == ["celery", "worker"]
    assert worker["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    init = services["airflow-init"]["command"][0]
    assert "airflow db migrate" in init and "pools set storywatch_duckdb 1" in init
    assert services["airflow-init"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_image_holds_every_package_it_installs():
    dockerfile = (PROJECT_ROOT / "docker" / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\S+) \./\1$", dockerfile, re.M))
    assert {"pipeline", "storywatch_airflow", "sql", "dags", "seeds"} <= copied


def test_addresses_credentials_and_ports_match_their_services(compose):
    services = compose["services"]
    env = services["scheduler"]["environment"]
    db = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    pg = services["postgres"]["environment"]
    assert db.hostname == "postgres" and db.port == 5432
    assert (db.username, db.password, db.path.strip("/")) == (
        pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"],
    )  # fmt: skip
    api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert api.hostname == "api-server" and f"{api.port}" in {
        p.split(":")[-1] for p in services["api-server"]["ports"]
    }
    # alerts go to Mailpit's SMTP port, its UI is published
    assert env["STORYWATCH_SMTP__HOST"] == "mailpit" and env["STORYWATCH_SMTP__PORT"] == "1025"
    assert "8025:8025" in services["mailpit"]["ports"]
    assert env["STORYWATCH_AIRFLOW__MODE"] in ("cron", "events")
    for name in AIRFLOW | {"worker"}:  # the JWT secret must be the same everywhere
        assert services[name]["environment"] == env, name


def test_the_tasks_go_through_redis_to_workers_that_scale(compose):
    services = compose["services"]
    env = services["scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    broker = urlsplit(env["AIRFLOW__CELERY__BROKER_URL"])
    assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)
    assert services["redis"]["image"].startswith("redis:")
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    # the results in the metadata database, where the scheduler reads the task states
    backend = env["AIRFLOW__CELERY__RESULT_BACKEND"].removeprefix("db+")
    metadata = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("+psycopg2", "")
    assert backend == metadata
    # a task forked from a prefork pool could not start the fetch's extraction processes
    assert env["AIRFLOW__CELERY__POOL"] == "solo"
    # `--scale worker=4`: no fixed name, hostname or host port would let four of them start
    worker = services["worker"]
    assert not {"container_name", "hostname", "ports"} & set(worker), sorted(worker)


def test_the_duckdb_file_lives_on_a_named_volume_where_the_tasks_run(compose):
    worker = compose["services"]["worker"]  # where the CeleryExecutor runs the tasks
    database = Path(worker["environment"]["STORYWATCH_DATABASE"])
    mounts = dict(v.split(":")[1::-1] for v in worker["volumes"])  # target -> source
    assert mounts[str(database.parent)] in compose["volumes"]
    config = worker["environment"]["STORYWATCH_CONFIG"]
    assert (COMPOSE.parent / mounts[config]).resolve() == PROJECT_ROOT / "storywatch.toml"
    # the tasks' logs, written by the workers, are where the api-server reads them
    api = dict(v.split(":")[1::-1] for v in compose["services"]["api-server"]["volumes"])
    assert mounts["/opt/airflow/logs"] == api["/opt/airflow/logs"] in compose["volumes"]
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith(".") or source in compose["volumes"], volume
