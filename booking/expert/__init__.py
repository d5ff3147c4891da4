"""The agency expert's pages and calendar feed."""
