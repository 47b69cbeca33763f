"""SUP-10 (2): where the customer gets independent advice on saving energy.

Every Swedish municipality offers free, commercially independent energy and climate advice
(kommunal energi- och klimatrådgivning, financed by Energimyndigheten). A supplier that knows its
municipalities' advisers passes them as a mapping SCB municipality code → ``LocalAdviser``; for
any other municipality the invoice points to Energimyndigheten's national finder of advisers and
names the customer's municipality, so the customer knows whom to look for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from elkund.grid.errors import UnknownMunicipality
from elkund.grid.municipalities import municipalities

NATIONAL_FINDER_URL = "https://www.energimyndigheten.se/energiradgivning/hitta-energiradgivare/"
NATIONAL_FINDER_NAME = "Energimyndigheten, hitta energi- och klimatrådgivare"


@dataclass(frozen=True, slots=True)
class LocalAdviser:
    """A municipality's energy and climate advice, as the supplier configured it."""

    name: str  # e.g. "Energi- och klimatrådgivningen i Uppsala län"
    url: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class AdviceContact:
    municipality_code: str
    municipality: str  # short name, e.g. "Upplands Väsby"
    name: str
    url: str
    phone: str | None
    email: str | None
    is_local: bool  # False: the national finder stands in for a configured local adviser

    @property
    def text(self) -> str:
        """The invoice's paragraph, in Swedish."""
        intro = (
            "Vill du använda el smartare? Kommunernas energi- och klimatrådgivare ger "
            "kostnadsfria och opartiska råd om hur du kan spara energi."
        )
        if not self.is_local:
            return (
                f"{intro} Hitta rådgivaren i din kommun, {self.municipality}, hos "
                f"Energimyndigheten: {self.url}"
            )
        reach = ", ".join(item for item in (self.phone, self.email, self.url) if item)
        return f"{intro} I din kommun, {self.municipality}: {self.name}, {reach}."


def advice_contact(
    municipality_code: str, local: Mapping[str, LocalAdviser] | None = None
) -> AdviceContact:
    """The advice contact for a customer in ``municipality_code`` (SCB, four digits)."""
    known = municipalities().get(municipality_code)
    if known is None:
        raise UnknownMunicipality(f"No Swedish municipality has the code {municipality_code!r}.")
    adviser = (local or {}).get(municipality_code)
    if adviser is None:
        return AdviceContact(
            municipality_code=known.code,
            municipality=known.name,
            name=NATIONAL_FINDER_NAME,
            url=NATIONAL_FINDER_URL,
            phone=None,
            email=None,
            is_local=False,
        )
    return AdviceContact(
        municipality_code=known.code,
        municipality=known.name,
        name=adviser.name,
        url=adviser.url,
        phone=adviser.phone,
        email=adviser.email,
        is_local=True,
    )
