import sys

from stancemap.cli import main

sys.exit(main())
