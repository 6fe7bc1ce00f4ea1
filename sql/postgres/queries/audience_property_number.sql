audience_number(doc -> :key::text) :op :value::text::numeric
