"""The ``aep`` native provider plugin: ``python <this directory> <engine address>``.

Pulumi's Python language host starts it so (see ``PulumiPlugin.yaml``); it prints its gRPC port
as the first line on stdout. The provider itself is ``provider.native``.
"""

import sys
from pathlib import Path

# The repository root, so ``provider`` imports even when the project is not pip-installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provider.native import main

main()
