SELECT id FROM alerts WHERE idempotency_key = $idempotency_key;
