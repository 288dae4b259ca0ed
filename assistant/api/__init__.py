"""`assistant serve`: the HTTP API, a shell over the service (needs the
``serve`` extra: FastAPI and uvicorn)."""
