"""Custom actions, one module per capability. The action server registers every module here."""
