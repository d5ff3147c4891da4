"""Use cases of an appointment's life: book, move, cancel, attendance; the database guard."""
