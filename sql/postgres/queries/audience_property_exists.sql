doc ? :key::text
