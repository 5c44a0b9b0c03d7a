import sys

from stancemap.cli import main
from stancemap.yamlio.cache import CACHE

# A process of its own reads each file once: keeping parses for a reload would only cost memory.
CACHE.disable()
sys.exit(main())
