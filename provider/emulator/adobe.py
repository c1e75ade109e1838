"""Adobe-documented behaviours the emulator can also answer the older way: one switch each.

Every switch is on by default: the emulator answers as Adobe documents, and the client handles
each shape. ``AdobeShapes.strict()`` turns every one on (the defaults), ``AdobeShapes.off()``
every one off (the older answers, for tests that hold the client to both).
Each names the page or spec operation it follows; "Off:" says the older answer.

``missing_flow_1439``
    A dataflow that does not exist answers 404 ``FLOW-1439-404`` with the body Adobe shows for a
    flow hidden by access labels (``help/sources/tutorials/api/labels.md``): ``report`` carries
    ``id`` and ``type: "flows"``, the message "The requested flows resource {id} is not found.
    Verify the resource ID before trying again." Off: 1101-404 as for other entities.
``schema_path_source_type``
    A mapping sent with ``sourceType: "ATTRIBUTE"`` reads back (GET, PUT and create answers) as
    ``text/x.schema-path``, as the Data Prep spec's examples show, and one sent with
    ``EXPRESSION`` as ``text/x.aep-xl`` (the media type Adobe lists for an expression's
    ``sourceType``, Destination SDK schema configuration; the emulator's reading for Data Prep).
    Off: echoed as sent.
``techacct_creator``
    Data Prep's ``createdBy``/``modifiedBy`` is the technical account of the token
    (``<hex>@techacct.adobe.com``, the ``user_id`` claim of the emulator's JWT-shaped token).
    Off: the client id.
``modified_naming``
    Data Prep names the modification fields ``modifiedDate``/``modifiedBy`` (the spec's examples
    and ``SimpleRepresentation``). Off: ``updatedDate``/``updatedBy``.
``short_create_answer``
    ``POST /mappingSets`` answers only ``{id, version, createdDate, modifiedDate, createdBy,
    modifiedBy}`` (createMappingSet's example). Off: the whole stored mapping set.
``version_default_zero``
    ``GET /mappingSets/{id}`` without ``version`` reads version 0: Adobe's spec gives the
    parameter a default of 0 and documents no "latest" selector. Off: the latest version.
``redundant_action_error``
    Enabling an enabled flow (or disabling a disabled one) answers 400 1422-400, "The action
    {op} cannot be applied on the current state {state}." (the error catalogue). Off: 200.
``refuse_state_on_create``
    ``POST /flows`` with ``state`` in its body answers 400 1100-400 (``state`` is set by the
    service: Adobe's createFlow request schema has no such field). Off: ignored.
``database_flow_requirements``
    A dataflow from a database source (a connection spec of category ``database``) needs a
    ``Copy`` transformation with a ``deltaColumn`` and a ``Mapping`` transformation, as the
    database tutorials make them required (``collect/database-nosql.md``). Off: both optional.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class AdobeShapes:
    """Which Adobe-documented behaviours are on (see the module doc): all, by default."""

    missing_flow_1439: bool = True
    schema_path_source_type: bool = True
    techacct_creator: bool = True
    modified_naming: bool = True
    short_create_answer: bool = True
    version_default_zero: bool = True
    redundant_action_error: bool = True
    refuse_state_on_create: bool = True
    database_flow_requirements: bool = True

    @classmethod
    def strict(cls) -> AdobeShapes:
        """Every switch on: the emulator as close to Adobe's documents as it gets."""
        return cls(**{f.name: True for f in fields(cls)})

    @classmethod
    def off(cls) -> AdobeShapes:
        """Every switch off: the emulator's older answers."""
        return cls(**{f.name: False for f in fields(cls)})

    @classmethod
    def without(cls, names: list[str]) -> AdobeShapes:
        """The defaults with the switches ``names`` off (``all``: every one)."""
        if "all" in names:
            return cls.off()
        shapes = cls()
        for name in names:
            if name not in cls.names():
                raise ValueError(f"unknown Adobe behaviour {name!r}; known: {cls.names()}")
            setattr(shapes, name, False)
        return shapes

    @classmethod
    def named(cls, names: list[str], *, base: AdobeShapes | None = None) -> AdobeShapes:
        """``base`` (the defaults) with the switches ``names`` on (``all``: every one);
        ValueError for an unknown name."""
        known = [f.name for f in fields(cls)]
        if "all" in names:
            return cls.strict()
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise ValueError(f"unknown Adobe behaviour(s) {unknown}; known: {known} or 'all'")
        chosen = {f.name: getattr(base or cls(), f.name) for f in fields(cls)}
        return cls(**{**chosen, **{name: True for name in names}})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every switch's name."""
        return tuple(f.name for f in fields(cls))
