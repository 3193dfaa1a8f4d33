"""Rasa input/output channels: sms (Twilio)."""
