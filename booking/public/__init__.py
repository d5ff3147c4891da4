"""The citizen's pages: points, services, booking and managing a booking."""
