:target IN (SELECT jsonb_array_elements(:value::text::jsonb))
