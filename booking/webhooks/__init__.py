"""Webhooks from outside services, signed by them instead of CSRF-protected."""
