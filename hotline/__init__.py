"""Triage and people: escalations, the on-call roster, the pager and what a page says.

Plain modules with no Rasa imports, shared by the bot's actions, the channels, the CLI and the
pager worker. Risk scoring itself lives with the NLU (bot/nlu/risk/).
"""
