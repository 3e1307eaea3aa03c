import sys

from mrcreview.cli import main

sys.exit(main())
