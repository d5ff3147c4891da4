"""Tests of the staff pages: sign-in, access control, the desk, the expert's pages, the feed."""
