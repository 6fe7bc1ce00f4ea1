to_jsonb(:column)
