SELECT (SELECT count(*) FROM contacts) AS contacts,
       (SELECT count(*) FROM sends) AS sends,
       (SELECT count(*) FROM sends WHERE status = 'pending') AS pending_evaluations,
       (SELECT count(*) FROM sends WHERE status <> 'pending') AS evaluated_sends
