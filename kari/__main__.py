from kari.cli import main

raise SystemExit(main())
