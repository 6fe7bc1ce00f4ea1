:target = :value::text::jsonb
