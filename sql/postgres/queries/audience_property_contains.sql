jsonb_typeof(doc -> :key::text) = 'string' AND strpos(lower(doc ->> :key::text), lower(:value::text)) > 0
