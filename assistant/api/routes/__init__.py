"""The API's routes, one module per area; each holds an ``APIRouter``."""
