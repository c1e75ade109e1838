"""A toy resource registered at run time: what adding a resource takes (a field table, an API
mapping, a dynamic provider class and one registry line), and nothing else.

``ToyMappingSet`` is a Data Prep mapping set under another name: it reuses the mapping set's
API mapping with its own field table, so it talks to the emulator like a real resource. Importing
this module registers it (in the test process, in Pulumi's dynamic provider host, which imports
it to unpickle the provider, and in the toy plugin process, which imports it before serving).
"""

from __future__ import annotations

import dataclasses

from provider.fields import MAPPING_SET
from provider.pipeline_api import MappingSetApi
from provider.resource import LifecycleProvider
from provider.resources import Registered, register

SPEC = dataclasses.replace(MAPPING_SET, name="ToyMappingSet",
                           description="A toy resource: a Data Prep mapping set by another name.")


class ToyMappingSetApi(MappingSetApi):
    """The mapping set's behaviour over the toy's field table."""

    SPEC = SPEC
    NOUN = "toy mapping set"


TOY_API = ToyMappingSetApi()


class ToyMappingSetProvider(LifecycleProvider):
    """The toy's dynamic provider class (pickled by reference: this module and name)."""

    API = TOY_API


ENTRY = register(Registered(TOY_API, f"{__name__}:ToyMappingSetProvider"))
