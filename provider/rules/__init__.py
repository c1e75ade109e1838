"""Pure rules, standard library only, shared by the provider and the policy pack.

The resource modules name them; ``python -m provider.schema`` copies each module into ``policy/``
as ``_<module>.py`` (a pack may run in a virtualenv without this package), and ``--check`` fails
when a copy is stale. A module here imports nothing outside the standard library.
"""
