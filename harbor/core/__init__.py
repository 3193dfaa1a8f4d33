"""The core every Harbor package stands on: settings, secrets and pseudonyms, the one database,
SMS text rules (GSM-7, MORE pagination), the Twilio client, the risk vocabulary. It imports nothing
else of Harbor (the import-linter contract in pyproject.toml)."""
