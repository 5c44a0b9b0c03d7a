import gc
import os
import sys

from stancemap.cli import main
from stancemap.yamlio.cache import CACHE

# A process of its own reads each file once and exits: keeping parses for a reload would only cost memory, and
# its loaded data is never garbage, so the collector need not walk it, during the load or at exit (frozen
# objects are left out of the interpreter's final collection).
CACHE.disable()
gc.disable()
try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader of the output left (`... | head`): not an error of ours, and no traceback. The rest of the
    # output goes nowhere, so the flush at exit cannot fail again (the recipe of Python's signal docs).
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
gc.freeze()
sys.exit(code)
