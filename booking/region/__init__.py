"""The region file: read and check it, and load it into the database."""
