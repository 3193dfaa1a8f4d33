"""Risk scores from exactly the live path: the trained Rasa model's NLU pipeline, whose last
component (bot/nlu/risk_detector.py) runs bot.nlu.risk.assessment with the classifier's intents."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from harbor.core.settings import PROJECT_ROOT


class LiveRiskScorer:
    def __init__(self, model: Path) -> None:
        os.environ["RASA_TELEMETRY_ENABLED"] = "false"
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        # Rasa's structured debug log goes to stdout by default; stdout here is the JSON output.
        configure_structlog(logging.WARNING)

        os.chdir(PROJECT_ROOT)  # config.yml names the spaCy pipeline by a project-relative path
        self.agent = Agent.load(str(model))
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict:
        return self.loop.run_until_complete(self.agent.parse_message(text))

    def score(self, text: str) -> dict:
        parsed = self.parse(text)
        risk = parsed.get("risk")
        if risk is None:
            raise RuntimeError("this model has no risk detector; retrain with `harbor train`")
        return risk
