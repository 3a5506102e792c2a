"""`make evaluate`: answer-level evaluation (`answers.py`) and NLU evaluation (`nlu.py`), per written
standard."""
