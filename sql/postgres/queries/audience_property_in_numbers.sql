audience_number(doc -> :key::text) = ANY(:value::text[]::numeric[])
