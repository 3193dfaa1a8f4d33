"""Harbor's resource directory: Open Referral HSDS 3.0 tables, seed data, search, CSV packages."""
