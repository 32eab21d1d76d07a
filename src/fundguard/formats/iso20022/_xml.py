"""Safe XML parsing and namespace-blind navigation shared by the ISO 20022 modules.

Files from banks are untrusted: no entity expansion, no network, no DTD loading, and a size
limit. Navigation goes by local name so that one reader serves every version (and the SIX
``.ch.02`` variants, whose namespace differs from ISO's).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

XML_MAX_BYTES = 50 * 1024 * 1024
"""The largest XML document read: a pain.001 of 10,000 payments is about 10 MiB."""


class XmlUnreadableError(ValueError):
    """The bytes are not a well-formed XML document (or are too large to read)."""


def xml_parse(xml_bytes: bytes) -> etree._Element:
    """Parse untrusted XML into its root element, refusing entities, DTDs and the network.

    Leading whitespace and a UTF-8 byte-order mark are skipped (some bank files indent the XML
    declaration, which a strict parser refuses).
    """
    if not isinstance(xml_bytes, bytes):
        raise TypeError(f"XML is read from bytes, not {type(xml_bytes).__name__}")
    if len(xml_bytes) > XML_MAX_BYTES:
        raise XmlUnreadableError(f"XML document larger than {XML_MAX_BYTES} bytes")
    text = xml_bytes.removeprefix(b"\xef\xbb\xbf").lstrip()
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(text, parser=parser)
    except etree.XMLSyntaxError as error:
        raise XmlUnreadableError(f"not well-formed XML: {error}") from error
    if root is None:
        raise XmlUnreadableError("empty XML document")
    return root


def local_name(element: etree._Element) -> str:
    name: str = etree.QName(element).localname
    return name


def namespace_of(element: etree._Element) -> str:
    namespace: str | None = etree.QName(element).namespace
    return namespace or ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Child elements called ``name`` (local name, any namespace), in document order."""
    for child in element:
        if isinstance(child.tag, str) and local_name(child) == name:
            yield child


def child(element: etree._Element | None, *path: str) -> etree._Element | None:
    """The first element down ``path`` (local names), or None where any step is missing."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next(children(current, name), None)
    return current


def text_at(element: etree._Element | None, *path: str) -> str | None:
    """Stripped text of the element down ``path``; None when missing or empty."""
    found = child(element, *path)
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None
