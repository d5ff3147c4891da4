"""The database: models, sessions, migrations, calendar queries and the availability cache."""
