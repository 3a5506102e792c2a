"""Kommune-Kari's knowledge base: tables, schema upgrades, YAML import/export, topic linker, answers.

Answers live in the database, not in the NLU model: staff edit them and the next reply uses them.
Import submodules directly (`kari.knowledge.db`, `.linker`, `.answers`); this package imports nothing
heavy on its own.
"""
