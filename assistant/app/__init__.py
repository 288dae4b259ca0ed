"""The application core: the service every shell calls, its settings,
conversations, sessions, jobs, watching and evaluation."""
