:target IS NOT NULL
