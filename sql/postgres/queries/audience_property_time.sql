audience_time(doc -> :key::text) :op :value::text::timestamptz
