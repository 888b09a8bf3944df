import sys

from villagevote.cli import main

sys.exit(main())
