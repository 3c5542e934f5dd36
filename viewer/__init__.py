"""NCJRS Reference Viewer: read and cite records of the NCJRS Virtual Library offline."""

__version__ = "0.1.0"
APP_NAME = "NCJRS Reference Viewer"
