"""villagevote: village-level re-election and pledge management for township staff."""

__version__ = "0.1.0"
