"""Every format kg reads or writes, named once: RDF files, query results and networks.

Plain data, importing neither rdflib nor pyoxigraph (the command line builds its ``--help`` from
it); the modules that parse or write turn the names into their library's formats
(``oxigraph_format``).

>>> RDF_FORMATS["ttl"].extension, RDF_FORMATS["nq"].quads
('.ttl', True)
>>> FILE_SUFFIXES[".owl"]
'xml'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: kg's name for it, its file extension and each library's name."""

    name: str  # kg's name, as in --format
    extension: str  # the extension kg writes
    rdflib: str  # rdflib's serializer and parser name
    oxigraph: str  # the member of pyoxigraph.RdfFormat
    quads: bool  # keeps named graphs (a dataset is needed to write it)


#: kg's RDF formats, in the order the command line lists them.
RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", ".ttl", "turtle", "TURTLE", False),
        RdfFormat("nt", ".nt", "nt", "N_TRIPLES", False),
        RdfFormat("nq", ".nq", "nquads", "N_QUADS", True),
        RdfFormat("trig", ".trig", "trig", "TRIG", True),
        RdfFormat("jsonld", ".jsonld", "json-ld", "JSON_LD", False),
        RdfFormat("xml", ".rdf", "xml", "RDF_XML", False),
    )
}
#: File extension -> RDF format, for reading graph files.
FILE_SUFFIXES = {
    ".ttl": "ttl",
    ".turtle": "ttl",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nq",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}
#: rdflib parser names accepted as a format when reading -> RDF format.
PARSER_NAMES = {"turtle": "ttl", "ttl": "ttl", "trig": "trig", "nt": "nt", "nquads": "nq", "json-ld": "jsonld", "xml": "xml"}
#: The networkx projection as files for network tools: one file each.
NETWORK_FORMATS = ("graphml", "gexf")
#: The projection as tables for spreadsheets: nodes.csv and edges.csv in a directory.
TABLE_FORMATS = ("csv",)
#: Everything ``kg export`` writes.
EXPORT_FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS, *TABLE_FORMATS)
#: SPARQL results (SELECT, ASK): kg's name -> member of pyoxigraph.QueryResultsFormat.
RESULT_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
#: The RDF formats a CONSTRUCT or DESCRIBE answer can be written in.
GRAPH_RESULT_FORMATS = ("ttl", "nt", "jsonld", "xml")


def oxigraph_format(name: str) -> Any:
    """The pyoxigraph.RdfFormat of one of kg's RDF format names."""
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, RDF_FORMATS[name].oxigraph)


def oxigraph_results_format(name: str) -> Any:
    """The pyoxigraph.QueryResultsFormat of a results format name (json, xml, csv, tsv)."""
    import pyoxigraph as ox

    return getattr(ox.QueryResultsFormat, RESULT_FORMATS[name])
