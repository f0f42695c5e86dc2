"""gunicorn settings for Dera: ``gunicorn -c /etc/dera/gunicorn.conf.py 'pwa:create_app()'``.

Addresses and counts can be changed here or with DERA_BIND / DERA_WORKERS in the
environment file; everything else is how Dera is meant to be served.
"""
import os

# nginx on the same machine talks to this address; never expose it directly.
bind = os.environ.get("DERA_BIND", "127.0.0.1:8000")
# Two processes per core is plenty for Dera's short requests.
workers = int(os.environ.get("DERA_WORKERS", "2"))
worker_class = "sync"
# A request that takes longer than this is stuck: the process is replaced.
timeout = 30
graceful_timeout = 20
# Replace each process now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200

# The access log: no client address (%(h)s is left out), and the logger class
# strips query strings and one-time codes from the request line and referrer.
logger_class = "pwa.logs.AccessLogger"
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# nginx's X-Forwarded-* are trusted by Dera itself (DERA_TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = "127.0.0.1"


def on_starting(server):
    """Tell Dera how many processes will serve, so it refuses per-process rate limits."""
    os.environ["DERA_WEB_PROCESSES"] = str(server.cfg.workers)
