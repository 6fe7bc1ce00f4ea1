SELECT uniq(contact_id) AS contacts FROM event_hourly WHERE hour >= toDateTime(?) AND hour < toDateTime(?)
