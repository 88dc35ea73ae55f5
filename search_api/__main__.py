"""``python -m search_api report``: see ``search_api.report``."""

import sys

from search_api.report import main

sys.exit(main())
