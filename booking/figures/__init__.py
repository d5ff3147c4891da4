"""The council's figures: anonymous facts counted, small counts protected, read only."""
