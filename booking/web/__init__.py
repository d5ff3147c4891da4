"""What every blueprint shares: extensions, sessions, errors, languages, templates, access."""
