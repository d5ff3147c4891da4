"""The regional council's figures: the page with its charts and tables, and the CSV."""
