-- Gives back the sends of a claim ($1) whose evaluation failed: they may be claimed again after $2 seconds, not
-- only when the lease ends, and not at once, so that a batch that fails every time does not spin.
UPDATE sends SET claimed_until = now() + make_interval(secs => $2)
WHERE claim_token = $1 AND status = 'pending'
