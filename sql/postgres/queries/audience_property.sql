(properties -> :key::text)
