# One image for every newsflow service: `newsflow worker <stage>` picks the stage.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY newsflow ./newsflow
COPY seeds ./seeds
RUN pip install --no-cache-dir .
ENV NEWSFLOW_STATE_DIR=/tmp/newsflow
ENTRYPOINT ["newsflow"]
CMD ["--help"]
