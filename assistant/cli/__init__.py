"""The command-line shell over ``assistant.service``."""
