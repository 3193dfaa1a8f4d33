"""Harbor: SMS and web-chat assistant for youth at risk of commercial sexual exploitation."""

__version__ = "0.1.0"
