"""Messages a change causes: the outbox, delivery receipts, the facts messages are made from."""
