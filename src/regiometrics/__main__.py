from regiometrics.cli import main

raise SystemExit(main())
