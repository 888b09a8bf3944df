"""Locate bundled resources both from a source checkout and inside a PyInstaller bundle."""
from __future__ import annotations

import sys
from pathlib import Path


def base_dir() -> Path:
    """The folder holding ``resources/`` and the ``villagevote`` package data."""
    frozen_dir = getattr(sys, "_MEIPASS", None)
    if frozen_dir:
        return Path(frozen_dir)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (fonts, catalogs, templates, icons)."""
    return base_dir().joinpath("resources", *parts)


def migrations_dir() -> Path:
    frozen_dir = getattr(sys, "_MEIPASS", None)
    if frozen_dir:
        return Path(frozen_dir) / "villagevote" / "migrations"
    return Path(__file__).resolve().parent / "migrations"
