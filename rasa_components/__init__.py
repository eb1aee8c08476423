"""Custom Rasa NLU components, imported by the Rasa server (Python 3.10 env) from config.yml.

Import-light: they need only the standard library, PyYAML and `knowledge_base.textnorm`/`question_kind`.
"""
