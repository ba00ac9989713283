"""The XSDs Mercato checks its ISO 20022 files against are ISO's, not a local edit of them.

pain.002 and camt.053 were copied from public repositories; sepaxml carries ISO's
pain.001.001.03. Message definitions of one generation share their building blocks, so
every type the copies share with sepaxml's pain.001 must be identical to it, element for
element: a typo made while copying would show here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sepaxml  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

SCHEMAS = Path(__file__).parents[3] / "src" / "mercato" / "bankfiles" / "schemas"
SEPAXML_PAIN001 = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"

Shape = tuple[str, tuple[tuple[str, str], ...], tuple["Shape", ...]]


def shape(node: etree._Element) -> Shape:
    return (node.tag, tuple(sorted(node.attrib.items())), tuple(shape(child) for child in node))


def types_of(path: Path) -> dict[str, Shape]:
    parser = etree.XMLParser(remove_blank_text=True, remove_comments=True)
    root = etree.parse(str(path), parser).getroot()
    return {node.get("name"): shape(node) for node in root if node.get("name")}


@pytest.mark.parametrize(
    ("schema", "namespace", "shared_at_least"),
    [
        ("pain.001.001.03.xsd", "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", 100),
        ("pain.002.001.03.xsd", "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03", 70),
        ("camt.053.001.02.xsd", "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", 80),
    ],
)
def test_each_schema_shares_isos_building_blocks_unchanged(
    schema: str, namespace: str, shared_at_least: int
) -> None:
    root = etree.parse(str(SCHEMAS / schema)).getroot()
    assert root.get("targetNamespace") == namespace
    etree.XMLSchema(root)  # it compiles
    ours, reference = types_of(SCHEMAS / schema), types_of(SEPAXML_PAIN001)
    shared = [name for name in ours if name in reference and name != "Document"]
    assert len(shared) >= shared_at_least
    assert [name for name in shared if ours[name] != reference[name]] == []
