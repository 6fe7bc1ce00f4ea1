-- Each distinct event once, however often it was sent.
SELECT uniqExact(event_key) FROM events
