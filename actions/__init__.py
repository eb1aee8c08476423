"""Rasa custom actions (rasa-sdk): thin glue between the dialogue and the knowledge base."""
