import gc
import sys

from stancemap.cli import main
from stancemap.yamlio.cache import CACHE

# A process of its own reads each file once and exits: keeping parses for a reload would only cost memory, and
# its loaded data is never garbage, so the collector need not walk it, during the load or at exit (frozen
# objects are left out of the interpreter's final collection).
CACHE.disable()
gc.disable()
code = main()
gc.freeze()
sys.exit(code)
