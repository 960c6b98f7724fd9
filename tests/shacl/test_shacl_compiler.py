"""The constraint components compiled (carekg.shacl.constraints, and the counts in compiler._checks) are
SHACL Core's, each cites its section of the spec, and they are exactly the ones the compiler accepts
parameters for and reports."""

from pathlib import Path

from rdflib.namespace import SH

from carekg import paths
from carekg.shacl import compiler, constraints, load_shapes

#: SHACL Core's constraint components (https://www.w3.org/TR/shacl/#core-components), by local name.
CORE = {"Class", "Datatype", "NodeKind", "MinCount", "MaxCount", "MinExclusive", "MinInclusive",
        "MaxExclusive", "MaxInclusive", "MinLength", "MaxLength", "Pattern", "LanguageIn", "UniqueLang",
        "Equals", "Disjoint",
        "LessThan", "LessThanOrEquals", "Not", "And", "Or", "Xone", "Node", "Property", "QualifiedMinCount",
        "QualifiedMaxCount", "Closed", "HasValue", "In"}
SHAPES = [paths.SHAPES_DIR / "data.ttl", paths.SHAPES_DIR / "ontology.ttl",
          Path(__file__).parent / "fixtures" / "edge-shapes.ttl"]


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_the_components_are_shacl_core_components():
    implemented = compiler.implemented_components()
    assert implemented <= CORE
    assert len(implemented) == 16


def test_each_component_cites_its_section_of_the_spec():
    spec = constraints.SPEC
    assert spec == "https://www.w3.org/TR/shacl/#"
    for cls in _subclasses(constraints.ValueConstraint):
        assert cls.components, f"{cls.__name__} names no constraint component"
        for name in cls.components:
            assert f"{spec}{name}ConstraintComponent" in cls.__doc__, cls.__name__
    for name in compiler.PATH_COMPONENTS:
        assert f"{spec}{name}ConstraintComponent" in compiler._checks.__doc__, name


def test_each_accepted_parameter_has_its_component():
    """A parameter the compiler accepts (sh:minInclusive ...) is the component of that name (sh:property
    only nests property shapes, whose own components report)."""
    parameters = {str(p).removeprefix(str(SH)) for p in compiler._PARAMETERS - {SH.property}}
    assert {p[0].upper() + p[1:] for p in parameters} == compiler.implemented_components()


def test_the_reported_components_are_the_implemented_ones():
    reported = {outcome.component for shapes in SHAPES for check in load_shapes(shapes).checks
                for outcome in check.outcomes}
    assert reported == {f"{SH}{name}ConstraintComponent" for name in compiler.implemented_components()}
