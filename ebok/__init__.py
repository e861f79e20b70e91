"""e-BOK: the self-service portal of a Polish housing cooperative, community or water utility."""

__version__ = "0.1.0"
