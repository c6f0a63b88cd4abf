"""The one version of the SDK: the package metadata and the User-Agent read it."""

__version__ = "0.1.0"
