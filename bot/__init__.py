"""The gateway package: channel adapters, web chat, hotline assistant, and the Rasa NLU component.

Kept import-light: the Rasa (Python 3.10) environment imports ``bot.nlu`` from here.
"""
