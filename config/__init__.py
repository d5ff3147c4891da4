"""Settings: safe defaults, then ``BOOKING_*`` environment variables, then test overrides."""
