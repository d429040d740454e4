"""A synthetic network in the shape kg.network.to_networkx gives, for tests and benchmarks of the viewer.

Every name and sentence is invented from syllables; nothing comes from the corpus. The shape is
that of news graphs: preferential attachment (a few hubs, many entities seen once, one country in a
sixth of all stories), some isolated entities, aliases in other scripts, dated relations,
conflicting ones and figures.

>>> net = synthetic_network(50)
>>> net.number_of_nodes(), net.number_of_edges() > 50
(50, True)
>>> synthetic_network(50).nodes(data=True) == net.nodes(data=True)
True
"""

from __future__ import annotations

import random

import networkx as nx

from kg.network import CLASS_STYLE, local_name, relation_labels

BASE = "https://w3id.org/jk-tech/id/synthetic-"
SYLLABLES = ("ka", "vor", "lin", "mu", "ter", "sa", "quo", "rel", "dan", "pi", "zen", "ob", "ith", "ral", "nev", "tu", "gor", "ely", "fan", "wis")
SUFFIX = {"Company": "Dynamics", "Organization": "Council", "Person": "", "Industry": "industry", "Technology": "process",
          "Product": "module", "Initiative": "programme", "Event": "summit", "Place": "Harbour", "Region": "Basin", "Survey": "survey"}
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノ"


def iri(i: int) -> str:
    """The IRI of synthetic entity ``i``; zero-padded, so IRI order is index order."""
    return f"{BASE}{i:05d}"


def _name(rng: random.Random, kind: str, taken: set[str]) -> str:
    while True:
        words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(1 if kind != "Person" else 2)]
        suffix = SUFFIX.get(kind, "")
        name = " ".join(words + ([suffix] if suffix else []))
        if name not in taken:
            taken.add(name)
            return name


def synthetic_network(nodes: int, *, edges_per_node: int = 2, seed: int = 7) -> nx.MultiDiGraph:
    """A network of ``nodes`` invented entities and about ``nodes * edges_per_node`` relations."""
    rng = random.Random(seed)
    labels = {local_name(p): label for p, label in relation_labels().items()}
    relations = sorted(name for name in labels if name != "relatedTo")
    classes = list(CLASS_STYLE)
    net = nx.MultiDiGraph(relations=dict(sorted(labels.items())))
    taken: set[str] = set()
    for i in range(nodes):
        kind = "Country" if i < 8 else classes[1 + i % (len(classes) - 1)]
        label = _name(rng, kind, taken) if kind != "Country" else f"Republic of {_name(rng, 'Place', taken).split()[0]}"
        names = sorted({label, "".join(rng.choice(KANA) for _ in range(4))} | ({label.split()[0].upper()} if i % 3 == 0 else set()))
        mention = {"sentence": f"{label} was named in an invented report.", "document": f"Synthetic report {i % 97}",
                   "document_iri": f"https://w3id.org/jk-tech/doc/synthetic-{i % 97}", "offset": 40 * (i % 50),
                   "publisher": "Example Wire", "date": f"2024-{1 + i % 12:02d}-01"}
        net.add_node(iri(i), label=label, names=names, type=kind, iri=iri(i),
                     wikidata=f"https://www.wikidata.org/entity/Q{100000 + i}" if i % 4 == 0 else "",
                     figures=[], evidence=[mention], mentions=1 + i % 5)
        if i % 10 == 0:
            figure = {"value": str(rng.randint(1, 900)), "unit": "%", "measure": "invented share", "period": str(2015 + i % 10),
                      "kind": "level", "text": "", "sentence": f"{label} reported an invented share.", "document": mention["document"],
                      "offset": mention["offset"], "iri": f"https://w3id.org/jk-tech/figure/synthetic-{i}", "modality": "fact",
                      "conflicted": i % 70 == 0, "publisher": "Example Wire", "date": mention["date"]}
            figure["display"] = f"{figure['value']}% invented share ({figure['period']})"
            net.nodes[iri(i)]["figures"].append(figure)
    targets: list[int] = []
    count = 0
    for i in range(nodes):
        if i % 50 == 49:  # some entities are never related to another
            continue
        picks = {rng.choice(targets) for _ in range(edges_per_node)} if targets else set()
        if i > 8 and i % 6 == 0:  # one country is in many stories: a hub of more than a hundred neighbours
            picks.add(0)
        picks = sorted(picks)
        for j in picks:
            relation = relations[(i * 7 + j) % len(relations)]
            periods = [f"{2016 + (i + j) % 9}"] if count % 3 == 0 else []
            sentence = {"sentence": f"{net.nodes[iri(i)]['label']} {labels[relation]} {net.nodes[iri(j)]['label']}, an invented line says.",
                        "document": f"Synthetic report {count % 97}", "document_iri": f"https://w3id.org/jk-tech/doc/synthetic-{count % 97}",
                        "offset": 80 * (count % 40), "publisher": "Example Wire", "date": "2024-06-01", "modality": "fact" if count % 5 else "plan"}
            net.add_edge(iri(i), iri(j), key=relation, relation=relation,
                         relation_iri=f"https://w3id.org/jk-tech/ontology#{relation}", label=labels[relation], evidence=[sentence],
                         assertions=1, document_count=1, weight=1.0, confidence=0.7, sources=1 + count % 3,
                         conflicted=count % 97 == 0, periods=periods)
            targets.extend([i, j])
            count += 1
        targets.append(i)
    for node, degree in net.degree():
        net.nodes[node]["degree"] = degree
    return net
