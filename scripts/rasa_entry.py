# .venv/bin/rasa, written by `make install` below a "#!" line naming the venv's Python: Rasa's own
# command line with this project's test data for `rasa test` (kari/rasa_command.py says what and why).
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[2]))  # the project: .venv/bin/rasa → ../..
from kari.rasa_command import main  # noqa: E402

sys.exit(main())
