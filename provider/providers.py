"""State format from now on: the dynamic provider class of every resource added after the six
released ones (whose classes stay defined in ``provider.resource``,
``provider.pipeline_resources`` and ``provider.staging_resource``).

Pulumi pickles a dynamic provider *by reference* (module and class name) into every resource's
``__provider`` in users' state, so a class defined here is never renamed or moved. Each is three
lines, a ``provider.resource.LifecycleProvider`` subclass naming its API mapping in ``API``, and
its registry line in ``provider.resources`` names it as ``provider.providers:<Name>Provider``.
The resource classes a Python program declares (``XdmFieldGroup``, ``XdmSchema``,
``XdmIdentity``, ``Dataset``) are defined here too, beside their providers; nested inputs
(``fields``, ``primary_identity``) are plain dicts with snake_case keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import pulumi
from pulumi.dynamic import Resource

from provider.generated import (
    DatasetArgs,
    DatasetInputs,
    DatasetOutputs,
    XdmFieldGroupArgs,
    XdmFieldGroupInputs,
    XdmFieldGroupOutputs,
    XdmIdentityArgs,
    XdmIdentityInputs,
    XdmIdentityOutputs,
    XdmSchemaArgs,
    XdmSchemaInputs,
    XdmSchemaOutputs,
)
from provider.resource import LifecycleProvider
from provider.resource import register as _register
from provider.resources.dataset import DATASET_API
from provider.resources.xdm_field_group import XDM_FIELD_GROUP_API
from provider.resources.xdm_fields import DATASET, XDM_FIELD_GROUP, XDM_IDENTITY, XDM_SCHEMA
from provider.resources.xdm_schema import XDM_IDENTITY_API, XDM_SCHEMA_API

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Dataset", "DatasetArgs", "DatasetProvider", "XdmFieldGroup", "XdmFieldGroupArgs",
           "XdmFieldGroupProvider", "XdmIdentity", "XdmIdentityArgs", "XdmIdentityProvider",
           "XdmSchema", "XdmSchemaArgs", "XdmSchemaProvider"]


class XdmFieldGroupProvider(LifecycleProvider):
    """The dynamic door of ``XdmFieldGroup``."""

    API = XDM_FIELD_GROUP_API


class XdmSchemaProvider(LifecycleProvider):
    """The dynamic door of ``XdmSchema``."""

    API = XDM_SCHEMA_API


class XdmIdentityProvider(LifecycleProvider):
    """The dynamic door of ``XdmIdentity``."""

    API = XDM_IDENTITY_API


class DatasetProvider(LifecycleProvider):
    """The dynamic door of ``Dataset``."""

    API = DATASET_API


class XdmFieldGroup(XdmFieldGroupOutputs, Resource, module="aep", name="XdmFieldGroup"):
    """A Schema Registry field group: custom fields under the tenant namespace."""

    @overload
    def __init__(self, resource_name: str, args: XdmFieldGroupArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[XdmFieldGroupInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, XdmFieldGroupArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, XdmFieldGroupProvider(), XDM_FIELD_GROUP, XdmFieldGroupArgs,
                  resource_name, args_or_opts, kwargs)


class XdmSchema(XdmSchemaOutputs, Resource, module="aep", name="XdmSchema"):
    """A Schema Registry schema: a class, its field groups, its primary identity and Profile."""

    @overload
    def __init__(self, resource_name: str, args: XdmSchemaArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[XdmSchemaInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, XdmSchemaArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, XdmSchemaProvider(), XDM_SCHEMA, XdmSchemaArgs,
                  resource_name, args_or_opts, kwargs)


class XdmIdentity(XdmIdentityOutputs, Resource, module="aep", name="XdmIdentity"):
    """A Schema Registry identity descriptor on one field of a schema."""

    @overload
    def __init__(self, resource_name: str, args: XdmIdentityArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[XdmIdentityInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, XdmIdentityArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, XdmIdentityProvider(), XDM_IDENTITY, XdmIdentityArgs,
                  resource_name, args_or_opts, kwargs)


class Dataset(DatasetOutputs, Resource, module="aep", name="Dataset"):
    """A Catalog dataset of one XDM schema."""

    @overload
    def __init__(self, resource_name: str, args: DatasetArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DatasetInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatasetArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DatasetProvider(), DATASET, DatasetArgs,
                  resource_name, args_or_opts, kwargs)
