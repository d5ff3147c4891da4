"""The service advisor's desk."""
