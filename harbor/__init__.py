"""Harbor: SMS and web-chat assistant for youth at risk of commercial sexual exploitation."""

import os

__version__ = "0.1.0"

# Rasa's telemetry also turns on Sentry crash reports, which can carry message text. Nothing
# about a conversation may leave this machine, so every Harbor process (and its children,
# which inherit the environment) runs with telemetry off.
NO_TELEMETRY_ENV = {"RASA_TELEMETRY_ENABLED": "false"}
os.environ.update(NO_TELEMETRY_ENV)
