"""The Textual chat. A thin shell over ``assistant.app.service``: widgets show what
workers report; no retrieval happens here."""
