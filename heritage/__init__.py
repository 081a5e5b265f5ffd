"""heritage: a digital heritage library for Breton cultural documents."""

__version__ = "0.1.0"
