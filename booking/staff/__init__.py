"""Staff: accounts, the access policy, sign-in throttling and the audit log."""
