"""Local stand-ins for outside services (Twilio, SMTP), run on 127.0.0.1."""
