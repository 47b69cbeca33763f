"""Errors of the supplier side, each with a stable code (core/errors.py's contract)."""

from __future__ import annotations

from elkund.core.errors import AppError, Invalid, NotFound


class NotASupplier(Invalid):
    code = "not_a_supplier"


class InvalidProfile(Invalid):
    """A supplier profile field breaks a rule; the detail names the field."""

    code = "invalid_supplier_profile"


class ProfileMissing(NotFound):
    code = "supplier_profile_missing"


class InvalidProduct(Invalid):
    code = "invalid_product"


class ProductExists(AppError):
    code = "product_exists"
    status = 409


class UnknownProduct(NotFound):
    code = "unknown_product"


class InvalidBillingInterval(Invalid):
    """SUP-7: remote-read meters are invoiced at least quarterly, others at least yearly."""

    code = "invalid_billing_interval"


class OverlappingContract(AppError):
    code = "overlapping_contract"
    status = 409


class ContractNotFound(NotFound):
    code = "contract_not_found"


class ContractNotActive(AppError):
    code = "contract_not_active"
    status = 409


class InvalidEndDate(Invalid):
    code = "invalid_end_date"


class NoticeRefused(AppError):
    """The grid company refused a supplier's notice (SUP-21); ``code`` is the refusal code."""

    code = "notice_refused"
    status = 422


class MalformedPriceFile(AppError):
    code = "malformed_file"
    status = 400


class PriceRejectCode:
    """Why one row of a day-ahead price import was rejected; documented in
    docs/day-ahead-prices.md."""

    MALFORMED_ROW = "malformed_row"
    INVALID_ZONE = "invalid_zone"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_RESOLUTION = "invalid_resolution"
    MISALIGNED_START = "misaligned_start"
    TOO_FAR_AHEAD = "too_far_ahead"
    INVALID_PRICE = "invalid_price"
    INVALID_UNIT = "invalid_unit"
    MISSING_EXCHANGE_RATE = "missing_exchange_rate"
    INVALID_EXCHANGE_RATE = "invalid_exchange_rate"
    TOO_MANY_DECIMALS = "too_many_decimals"
    IMPLAUSIBLE_PRICE = "implausible_price"
    DUPLICATE_IN_FILE = "duplicate_in_file"


# Refusal codes of the grid company's answer to a notice, and the HTTP status each maps to.
NOTICE_REFUSAL_STATUS = {
    "unknown_installation": 404,
    "start_date_in_past": 422,
    "customer_not_holder": 422,
    "overlapping_contract": 409,
    "supplier_not_active": 403,
    "not_supplier_of_record": 409,
}
