"""The hotline console: where advocates, supervisors and admins act on escalations (an aiohttp app,
started by `harbor up` on HARBOR_CONSOLE_PORT, default 8088). Accounts, the audit log, the live
queue and transcripts are plain modules here; web.py serves them."""
