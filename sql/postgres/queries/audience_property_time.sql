audience_time(:target) :op :value::text::timestamptz
