"""`python -m eko_digilocker_sandbox`: the same as `eko-digilocker sandbox`."""

from eko_digilocker_sandbox.server import main

raise SystemExit(main())
