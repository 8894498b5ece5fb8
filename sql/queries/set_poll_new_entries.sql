UPDATE polls SET entries_new = $entries_new WHERE id = $poll_id;
