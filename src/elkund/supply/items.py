"""The texts of SUP-9 items 7–16 as printed on an invoice, and the pointer that may replace 8–16.

SFS 2023:242 § 9 second paragraph: items 8–16 may be on the supplier's website if the invoice says
clearly where. Item 11 (the energy sources) is always printed in full: Ei has ruled that a link
alone is not enough, so this module never offers a pointer for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from elkund.supply.document import InvoiceDocument

POINTABLE: Final = frozenset({8, 9, 10, 12, 13, 14, 15, 16})

HEADINGS: Final = {
    7: "Anvisat avtal",
    8: "Uppsägning av avtalet",
    9: "Byta elleverantör",
    10: "Jämför elpriser",
    11: "Elens ursprung",
    12: "Våra övriga tjänster",
    13: "Ersättning och återbetalning",
    14: "Klagomål",
    15: "Dina rättigheter som konsument",
    16: "Tvistlösning",
}

DEFAULT_CONTRACT: Final = (
    "Du har ett anvisat avtal. Det betyder att du inte själv har valt elleverantör, så"
    " elnätsföretaget har anvisat oss att leverera el till dig. Ett anvisat avtal har ofta ett"
    " högre pris än avtal du väljer själv. Du kan när som helst säga upp det med 14 dagars"
    " uppsägningstid och välja ett annat avtal hos oss eller hos en annan elleverantör."
)
SWITCHING: Final = (
    "Du har rätt att byta elleverantör. Ett byte kan ge dig ett lägre pris eller ett avtal som"
    " passar dig bättre. Att byta kostar ingenting, din elanslutning påverkas inte och den nya"
    " leverantören sköter bytet åt dig. Har du ett tidsbestämt avtal kan en avgift tas ut om du"
    " avslutar det i förtid."
)
COMPARISON: Final = (
    "Jämför elavtal och elpriser hos Energimarknadsinspektionens oberoende jämförelsetjänst"
    " Elpriskollen: www.elpriskollen.se."
)
CONSUMER_RIGHTS: Final = (
    "Konsumenternas Energimarknadsbyrå ger dig kostnadsfri och oberoende vägledning om dina"
    " rättigheter som elkund: www.energimarknadsbyran.se."
)
DISPUTES: Final = (
    "Om vi inte kommer överens kan du vända dig till Allmänna reklamationsnämnden (ARN),"
    " Box 174, 101 23 Stockholm, www.arn.se, som prövar tvister kostnadsfritt."
)


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    heading: str
    text: str
    url: str | None = None  # set when the text is a pointer to the supplier's website


def information_items(doc: InvoiceDocument) -> list[Item]:
    """Items 7 (only for an anvisat avtal) and 8–16 except 11, in order, texts or pointers."""
    pointers = dict(doc.pointers)
    items = []
    if doc.contract.is_default_contract:
        items.append(Item(7, HEADINGS[7], DEFAULT_CONTRACT))
    for number in (8, 9, 10, 12, 13, 14, 15, 16):
        url = pointers.get(number)
        if url:
            text = f"Läs om detta på vår webbplats: {url}"
            items.append(Item(number, HEADINGS[number], text, url))
        else:
            items.append(Item(number, HEADINGS[number], _full_text(number, doc)))
    return items


def _full_text(number: int, doc: InvoiceDocument) -> str:
    supplier, contract = doc.supplier, doc.contract
    service = f"{supplier.customer_service_phone} eller {supplier.customer_service_email}"
    texts = {
        8: f"{contract.termination} "
        + (
            "Uppsägningen är avgiftsfri."
            if contract.termination_free
            else "En avgift för att avsluta avtalet i förtid kan tas ut enligt avtalsvillkoren."
        ),
        9: SWITCHING,
        10: COMPARISON,
        12: f"Läs om våra övriga tjänster på {supplier.website} eller fråga kundtjänst.",
        13: "Har vi fakturerat fel, eller har en tjänst inte hållit utlovad kvalitet, rättar vi"
        " fakturan och betalar tillbaka det du betalat för mycket."
        f" Kontakta kundtjänst på {service}.",
        14: f"Lämna klagomål till kundtjänst på {service}. Vi bekräftar att vi tagit emot det,"
        " utreder det och svarar dig skriftligt.",
        15: CONSUMER_RIGHTS,
        16: DISPUTES,
    }
    return texts[number]
