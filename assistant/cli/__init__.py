"""The command-line shell over ``assistant.app.service``."""
