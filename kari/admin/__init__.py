"""The staff workspace: accounts, answer editing with history, what Kari missed, intents, statistics.

`kari.admin.web` mounts the pages under /admin in the web app (`kari.web.app`); `kari.admin.cli` is
`python -m kari staff …`. The logic lives in plain modules (accounts, edits, missed, intents, stats)
that both use.
"""
