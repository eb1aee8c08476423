# Python 3.11 environment: the FastAPI gateway and the rasa-sdk action server (one image, two commands).
# Build from the repository root:  docker build -f deploy/docker/app.Dockerfile -t ocop-app .
# No secret is baked in: every OCOP_* secret comes from the container's environment at run time.
FROM python:3.11-slim-bookworm

# torch first (sentence-transformers needs it): pass a CPU-only build with --build-arg TORCH_SPEC=...
# and, if your mirror needs it, PIP_INDEX_URL / PIP_EXTRA_INDEX_URL build arguments.
ARG TORCH_SPEC="torch==2.13.0"
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OCOP_DATA_DIR=/var/lib/ocop

RUN useradd --system --create-home --home-dir /home/ocop ocop \
    && mkdir -p /var/lib/ocop && chown ocop /var/lib/ocop
WORKDIR /app
RUN pip install "$TORCH_SPEC"
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY stack ./stack
COPY rasa_components ./rasa_components
COPY actions ./actions
COPY knowledge_base ./knowledge_base
COPY endpoints.yml credentials.yml ./
RUN pip install -e ".[app]"
# The knowledge-base index is built into the image: every replica starts with the same one.
RUN OCOP_KB_INDEX_DIR=/app/var/kb_index python -m knowledge_base build
ENV OCOP_KB_INDEX_DIR=/app/var/kb_index

USER ocop
EXPOSE 8000 5055
# Gateway by default; the action server runs the same image with:
#   python -m stack.action_server --actions actions -p 5055
CMD ["python", "-m", "uvicorn", "gateway.app:app", "--host", "0.0.0.0", "--port", "8000", "--log-level", "warning"]
