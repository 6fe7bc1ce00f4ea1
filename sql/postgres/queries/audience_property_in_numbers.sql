audience_number(:target) = ANY(:value::text[]::numeric[])
