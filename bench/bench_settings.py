"""Production settings as deployed, plus the benchmark's SQL capture (bench/sql_capture.py).

Used only by bench/harness.py, which sets the production secrets to throwaway values in the
environment and turns off the HTTPS redirect for the loopback address. The capture middleware
records nothing unless a request carries the harness's capture header.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR, MIDDLEWARE

MIDDLEWARE = ["sql_capture.SqlCaptureMiddleware", *MIDDLEWARE]
# collectstatic for the manifest storage writes here, not into the deployment's var/; the
# manifest without WhiteNoise's compression, which takes minutes on this machine and changes
# nothing the pages and APIs measured here do.
STATIC_ROOT = BASE_DIR / "bench" / "out" / "static"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
