"""carekg: a knowledge graph of innovations in children's social care and the organisational
factors that support or hinder their implementation, scale and spread."""

__version__ = "0.1.0"
