"""The one way a reader says a whole file cannot be indexed."""


class SkipFile(Exception):
    """The whole file cannot be indexed; the message is the reason shown to the user."""
