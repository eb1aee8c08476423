"""Knowledge base: documents, scoring sheets, and the code that indexes, retrieves and scores them (no Rasa imports)."""
