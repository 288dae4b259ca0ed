"""The Textual chat. A thin shell over ``assistant.service``: widgets show what
workers report; no retrieval happens here."""
