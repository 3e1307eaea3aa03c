from mrcreview.cli import main
from mrcreview.exiting import exit_now

exit_now(main())
