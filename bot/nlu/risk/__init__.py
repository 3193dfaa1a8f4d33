"""Risk scoring as plain Python: the rules' floor (rules.py over the vocabulary in patterns.py), the
classifier's vote (classifier.py) and how they combine (assessment.py). No Rasa imports: the NLU
component bot/nlu/risk_detector.py is its thin adapter, and the CLI and the bench call it directly."""
