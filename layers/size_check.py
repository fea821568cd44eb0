"""Print the unzipped size of every function plus its layers; exit 1 when one exceeds Lambda's 250 MB."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra import constants  # noqa: E402
from infra.sizes import check_function_sizes  # noqa: E402


def main() -> int:
    sizes = check_function_sizes(constants.FUNCTIONS, constants.LAYER_BUILD_DIRS, raise_on_error=False)
    print(json.dumps([s.as_dict() for s in sizes], indent=2))
    return 0 if all(s.within_limit for s in sizes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
