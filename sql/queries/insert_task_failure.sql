INSERT INTO task_failures (dag_id, task_id, run_id, try_number, error)
VALUES ($dag_id, $task_id, $run_id, $try_number, $error)
ON CONFLICT DO NOTHING
RETURNING id;
