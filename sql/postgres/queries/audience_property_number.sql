audience_number(:target) :op :value::text::numeric
