"""Gunicorn for production: ``gunicorn -c gunicorn.conf.py wsgi:app`` (command-line options win over these).

Threaded workers (gthread): a request waiting on a slow phone or on the database holds one thread, not a
whole process, and the worker's heartbeat keeps beating meanwhile, so slow uploads are never killed as
hung workers. nginx in front buffers uploads and answers anyway (deploy/nginx.conf).
"""

import ctypes
import ctypes.util
import logging
import os
import shutil
import tempfile

from prometheus_client import multiprocess

bind = "127.0.0.1:8000"
worker_class = "gthread"
# Sign-in limits are counted in LMS_RATELIMIT_STORAGE_URL. With memory:// (the default) each process
# would count on its own and allow the full number of tries, so then one process serves, with threads,
# and asking for more without a shared store (redis://...) is refused.
storage = os.environ.get("LMS_RATELIMIT_STORAGE_URL", "memory://")
shared_store = not storage.startswith("memory://")
# One process per core, a few threads each: most of a request's time is spent waiting on the database.
workers = int(os.environ.get("LMS_WORKERS", max(2, os.cpu_count() or 1) if shared_store else 1))
threads = int(os.environ.get("LMS_THREADS", "4"))
if workers > 1 and not shared_store:
    raise RuntimeError(
        f"LMS_WORKERS={workers} needs a rate-limit store all workers share: set LMS_RATELIMIT_STORAGE_URL "
        "(for example redis://127.0.0.1:6379/1), or serve with one worker."
    )
# A worker that stops answering its heartbeat for this long is restarted; threads keep it beating.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Restarted now and then, so memory a library holds on to never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The app takes the client's address and scheme from LMS_TRUSTED_PROXIES (ProxyFix), not gunicorn.
forwarded_allow_ips = ""
# The app writes one line per request (with its request id); gunicorn's own lines go to standard error.
accesslog = None
errorlog = "-"
control_socket_disable = True

# Each worker process writes its metric counts here; a scrape of any worker adds them all up.
# A folder of this server's own: counts from an earlier run, or another server's, are never added in.
metrics_folder = tempfile.mkdtemp(prefix="lms-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_folder


# glibc's malloc keeps what a worker once held. A sign-in's Argon2 buffer (19 MiB) came from the heap after the
# first one (glibc raises its threshold for handing large blocks to mmap as they are freed) and stayed in the RSS,
# once in each of the arenas glibc gives threads (up to 8 per core). Large blocks always mmap'd go back to the
# system when freed; two arenas serve four threads.
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8
MMAP_FROM_BYTES = 1024 * 1024
ARENAS = 2


def post_fork(server, worker):
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_FROM_BYTES)
        libc.mallopt(M_ARENA_MAX, ARENAS)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(metrics_folder, ignore_errors=True)


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "static_fields": {"request_id": "-"},
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": logging.WARNING, "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": logging.INFO, "propagate": False},
        "gunicorn.access": {"handlers": [], "level": logging.WARNING, "propagate": False},
    },
}
