"""Triage and people: risk scoring, escalations, the on-call roster and the pager.

Plain modules with no Rasa imports, shared by the bot's actions, the CLI and the pager worker.
"""
