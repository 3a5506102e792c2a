"""`python -m kari.evaluation`: the answer-level report first (minutes), then the NLU report (~35 min)."""

import sys

from kari.evaluation import answers, nlu

if __name__ == "__main__":
    code = answers.main([])
    sys.exit(code or nlu.main(sys.argv[1:]))
