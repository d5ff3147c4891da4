"""Demo data for ``booking setup --demo``: staff logins and a lived-in calendar."""
