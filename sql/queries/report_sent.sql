SELECT sent_at FROM reports_sent WHERE key = $key;
