NOT coalesce((:filter), false)
