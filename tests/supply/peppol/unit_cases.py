"""The official Peppol unit test cases (``unit-SE/*.xml``, VEFA validator ``testSet`` format).

Each ``<test>`` holds an ``<assert>`` naming the rule ids that must pass (``success``) or fail
(``error``/``fatal``, ``warning``), followed by the UBL document to validate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

VEFA = "http://difi.no/xsd/vefa/validator/1.0"


@dataclass(frozen=True, slots=True)
class UnitCase:
    name: str  # file name and position, for test ids
    succeeds: frozenset[str]  # rule ids that must not fail
    fails: dict[str, str]  # rule id → expected flag ("fatal" or "warning")
    document: bytes


def load_cases(path: Path) -> list[UnitCase]:
    root = etree.parse(str(path)).getroot()
    return [
        _case(f"{path.stem}#{index}", test)
        for index, test in enumerate(root.iterfind(f"{{{VEFA}}}test"), start=1)
    ]


def _case(name: str, test: etree._Element) -> UnitCase:
    expect = test.find(f"{{{VEFA}}}assert")
    document = next(child for child in test if not str(child.tag).startswith(f"{{{VEFA}}}"))
    succeeds: set[str] = set()
    fails: dict[str, str] = {}
    for item in expect if expect is not None else ():
        local = etree.QName(item).localname
        rule = (item.text or "").strip()
        if local == "success":
            succeeds.add(rule)
        elif local in ("error", "fatal", "warning"):
            fails[rule] = "warning" if local == "warning" else "fatal"
    return UnitCase(name, frozenset(succeeds), fails, etree.tostring(document, encoding="UTF-8"))
