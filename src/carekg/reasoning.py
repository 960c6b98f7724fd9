"""OWL reasoning with HermiT (through owlready2) and the SPARQL rules that build the inferred graph.

owlready2 cannot read Turtle, so the merged ontology and data go to it as N-Triples, without their
``owl:imports`` (the modules are already merged, and nothing may be fetched from the network).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from carekg.namespaces import CKG

#: Classes whose memberships HermiT infers and carekg materialises.
CLASSIFIED = (CKG.EnablerFinding, CKG.BarrierFinding, CKG.MixedFinding)


class ReasonerUnavailable(RuntimeError):
    """Java is missing, so HermiT cannot run."""


@dataclass
class HermitResult:
    consistent: bool
    message: str
    inferred: Graph


def java_available() -> bool:
    if not shutil.which("java"):
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0


def run_hermit(merged: Graph) -> HermitResult:
    """Check ``merged`` for consistency and return the class memberships HermiT infers."""
    if not java_available():
        raise ReasonerUnavailable("HermiT needs Java: install a JRE "
                                  "(e.g. apt-get install default-jre-headless)")
    import owlready2

    inferred = Graph()
    with tempfile.TemporaryDirectory(prefix="carekg-hermit-") as folder:
        path = Path(folder) / "merged.nt"
        clean = Graph()
        for triple in merged:
            if triple[1] != OWL.imports:
                clean.add(triple)
        clean.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            ontology = world.get_ontology(path.as_uri()).load()
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return HermitResult(
                False, "the ontology and data are inconsistent (HermiT found a contradiction)", inferred)
        except owlready2.OwlReadyJavaError as error:
            last = str(error).splitlines()[-1] if str(error) else error
            return HermitResult(False, f"HermiT failed: {last}", inferred)
        for cls_iri in CLASSIFIED:
            cls = world[str(cls_iri)]
            if cls is None:
                continue
            for individual in cls.instances():
                subject = URIRef(individual.iri)
                if (subject, RDF.type, cls_iri) not in merged:
                    inferred.add((subject, RDF.type, cls_iri))
        world.close()
    return HermitResult(True, "consistent", inferred)
