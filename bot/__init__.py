"""The bot: understand a question, assess it, retrieve, answer with verified citations (CLI, API, web)."""
