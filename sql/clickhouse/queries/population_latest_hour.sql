-- The latest hour with events (ignoring any that claim to lie more than a day ahead).
SELECT toUInt32(max(hour)) AS latest FROM event_hourly WHERE hour <= now() + 86400
