"""State format from now on: the dynamic provider class of every resource added after the six
released ones (whose classes stay defined in ``provider.resource``,
``provider.pipeline_resources`` and ``provider.staging_resource``).

Pulumi pickles a dynamic provider *by reference* (module and class name) into every resource's
``__provider`` in users' state, so a class defined here is never renamed or moved. Each is three
lines, a ``provider.resource.LifecycleProvider`` subclass naming its API mapping in ``API``, and
its registry line in ``provider.resources`` names it as ``provider.providers:<Name>Provider``.
None yet.
"""
