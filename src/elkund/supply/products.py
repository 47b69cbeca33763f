"""The contracts a supplier offers: fixed, variable, dynamic (spot per interval) and default
(anvisat avtal). Prices exclude VAT; 25 % is added on the invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.parties.models import Party
from elkund.supply.errors import InvalidProduct, ProductExists, UnknownProduct
from elkund.supply.models import PRICE_SCALE, Product, ProductKind
from elkund.supply.suppliers import require_supplier

PRICE_RESOLUTIONS = ("PT15M", "PT60M")
MAX_TERM_MONTHS = 60
_ZERO = Decimal(0)
_STEP = Decimal(1).scaleb(-PRICE_SCALE)
_MAX_PRICE = Decimal(10) ** 9


@dataclass(frozen=True, slots=True)
class ProductDraft:
    code: str
    name: str  # Swedish, as customers see it
    kind: ProductKind
    terms_url: str
    termination_text: str  # SUP-9 (8): how to terminate, in Swedish
    termination_free: bool
    monthly_fee_sek: Decimal = _ZERO
    certificate_ore_per_kwh: Decimal = _ZERO
    energy_price_ore_per_kwh: Decimal | None = None  # fixed
    term_months: int | None = None  # fixed
    markup_ore_per_kwh: Decimal | None = None  # variable, dynamic, default
    price_resolution: str | None = None  # dynamic


def create_product(session: Session, *, supplier: Party, draft: ProductDraft) -> Product:
    require_supplier(supplier)
    _check(draft)
    if find_product(session, supplier=supplier, code=draft.code) is not None:
        raise ProductExists(f"{supplier.name} already has a product with the code {draft.code}.")
    product = Product(
        supplier_id=supplier.id,
        code=draft.code,
        name=draft.name.strip(),
        kind=draft.kind,
        energy_price_ore_per_kwh=draft.energy_price_ore_per_kwh,
        term_months=draft.term_months,
        markup_ore_per_kwh=draft.markup_ore_per_kwh,
        certificate_ore_per_kwh=draft.certificate_ore_per_kwh,
        monthly_fee_sek=draft.monthly_fee_sek,
        price_resolution=draft.price_resolution,
        terms_url=draft.terms_url,
        termination_text=draft.termination_text.strip(),
        termination_free=draft.termination_free,
    )
    session.add(product)
    session.flush()
    return product


def find_product(session: Session, *, supplier: Party, code: str) -> Product | None:
    query = select(Product).where(Product.supplier_id == supplier.id, Product.code == code)
    return session.scalars(query).one_or_none()


def product_of(session: Session, *, supplier: Party, code: str) -> Product:
    product = find_product(session, supplier=supplier, code=code)
    if product is None:
        raise UnknownProduct(f"{supplier.name} has no product with the code {code}.")
    return product


def products_of(session: Session, *, supplier: Party) -> list[Product]:
    query = select(Product).where(Product.supplier_id == supplier.id).order_by(Product.code)
    return list(session.scalars(query))


def _check(draft: ProductDraft) -> None:
    if not draft.code.strip() or len(draft.code) > 40:
        raise InvalidProduct("code: 1–40 characters.")
    if not draft.name.strip() or not draft.termination_text.strip():
        raise InvalidProduct("name and termination_text are required.")
    if not draft.terms_url.startswith("https://"):
        raise InvalidProduct("terms_url: an https address.")
    for name in ("monthly_fee_sek", "certificate_ore_per_kwh"):
        _price(getattr(draft, name), name, negative_ok=False)
    _KIND_CHECKS[draft.kind](draft)


def _check_fixed(draft: ProductDraft) -> None:
    if draft.energy_price_ore_per_kwh is None or draft.term_months is None:
        raise InvalidProduct("A fixed price needs energy_price_ore_per_kwh and term_months.")
    _price(draft.energy_price_ore_per_kwh, "energy_price_ore_per_kwh", negative_ok=False)
    if not 1 <= draft.term_months <= MAX_TERM_MONTHS:
        raise InvalidProduct(f"term_months: 1–{MAX_TERM_MONTHS}.")
    if draft.markup_ore_per_kwh is not None or draft.price_resolution is not None:
        raise InvalidProduct("A fixed price has no påslag and no price resolution.")


def _check_spot(draft: ProductDraft) -> None:
    """Variable, dynamic and default contracts: the spot price plus a påslag."""
    if draft.markup_ore_per_kwh is None:
        raise InvalidProduct(f"A {draft.kind} price needs markup_ore_per_kwh (påslag).")
    _price(draft.markup_ore_per_kwh, "markup_ore_per_kwh", negative_ok=True)
    if draft.energy_price_ore_per_kwh is not None or draft.term_months is not None:
        raise InvalidProduct(f"A {draft.kind} price has no fixed energy price or term.")
    dynamic = draft.kind == ProductKind.DYNAMIC
    if dynamic and draft.price_resolution not in PRICE_RESOLUTIONS:
        raise InvalidProduct("A dynamic price needs price_resolution PT15M or PT60M.")
    if not dynamic and draft.price_resolution is not None:
        raise InvalidProduct("Only a dynamic price has a price resolution.")


_KIND_CHECKS = {
    ProductKind.FIXED: _check_fixed,
    ProductKind.VARIABLE: _check_spot,
    ProductKind.DYNAMIC: _check_spot,
    ProductKind.DEFAULT: _check_spot,
}


def _price(value: Decimal, name: str, *, negative_ok: bool) -> None:
    exact = value.is_finite() and abs(value) < _MAX_PRICE and value == value.quantize(_STEP)
    if not exact:
        raise InvalidProduct(f"{name}: a number with at most {PRICE_SCALE} decimals.")
    if value < 0 and not negative_ok:
        raise InvalidProduct(f"{name}: not negative.")
