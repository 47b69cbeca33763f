"""Errors of the grid domain."""

from __future__ import annotations

from elkund.core.errors import AppError, Invalid, NotFound


class InstallationExists(AppError):
    code = "installation_exists"
    status = 409


class UnknownInstallation(NotFound):
    code = "unknown_installation"


class UnknownMunicipality(Invalid):
    code = "unknown_municipality"


class OverlappingPeriod(AppError):
    code = "overlapping_period"
    status = 409


class InvalidFuse(Invalid):
    code = "invalid_fuse"
