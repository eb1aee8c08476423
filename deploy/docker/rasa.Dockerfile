# Python 3.10 environment: the Rasa server (rasa 3.6.21) and the project's NLU component (rasa_components).
# Build from the repository root:  docker build -f deploy/docker/rasa.Dockerfile -t ocop-rasa .
# The trained model is mounted at /app/models (read-only); no secret is baked in.
FROM python:3.10-slim-bookworm

ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1

RUN useradd --system --create-home --home-dir /home/ocop ocop
WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY stack ./stack
COPY rasa_components ./rasa_components
COPY knowledge_base ./knowledge_base
COPY actions ./actions
COPY endpoints.yml credentials.yml ./
COPY deploy/endpoints.scale.yml ./deploy/endpoints.scale.yml
# rasa 3.6.21 brings SQLAlchemy 1.4, psycopg2-binary and redis (tracker and lock stores).
RUN pip install -e ".[rasa]"

USER ocop
EXPOSE 5005
# stack.rasa_run picks PostgreSQL + Redis from OCOP_DATABASE_URL/OCOP_REDIS_URL and refuses to listen
# beyond loopback (OCOP_RASA_INTERFACE=0.0.0.0) without OCOP_RASA_TOKEN.
ENTRYPOINT ["python", "-m", "stack.rasa_run"]
CMD ["--model", "/app/models/current.tar.gz", "--port", "5005"]
