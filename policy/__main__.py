"""Serve the ``aep-connections-guardrails`` policy pack; the rules live in ``aep_policies``.

The engine runs ``python -u -m pulumi.policy <engine-address> <this dir>`` with cwd = this
directory; ``runpy.run_path`` puts this directory on ``sys.path``, so ``aep_policies`` imports
as a top-level module. Constructing ``PolicyPack`` starts the gRPC server, prints its port and
blocks forever: never import this file (tests import ``aep_policies`` instead).
"""

from aep_policies import PACK_DESCRIPTION, PACK_NAME, POLICIES
from pipeline_policies import POLICIES as PIPELINE_POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack
from trust_policies import POLICIES as TRUST_POLICIES

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES + PIPELINE_POLICIES + TRUST_POLICIES,
    # Each policy sets its own level; this only covers a policy added without one.
    enforcement_level=EnforcementLevel.ADVISORY,
    description=PACK_DESCRIPTION,
)
