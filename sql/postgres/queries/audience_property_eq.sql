properties @> jsonb_build_object(:key::text, :value::text::jsonb)
