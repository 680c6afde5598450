#!/usr/bin/env python3
"""Exit 0 when the local web process answers /health/ready 200: the image's and compose's health check.

Asks 127.0.0.1:$PORT with the first of ALLOWED_HOSTS as the Host header (production refuses unknown hosts),
standard library only, 3 s at most."""
import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost"
request = urllib.request.Request(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/ready",
                                 headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # noqa: BLE001 - any failure is "not ready"
    print(f"not ready: {error}", file=sys.stderr)
    sys.exit(1)
