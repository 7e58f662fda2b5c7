FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
RUN useradd --create-home nakadachi && mkdir -p var && chown -R nakadachi var
USER nakadachi
EXPOSE 8000
CMD ["gunicorn", "staffing.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
