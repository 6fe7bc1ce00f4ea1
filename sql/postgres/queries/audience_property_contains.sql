jsonb_typeof(:target) = 'string' AND strpos(lower(:target #>> '{}'), lower(:value::text)) > 0
