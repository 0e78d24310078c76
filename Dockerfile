# The reconciler's image: `reconciler fleet check` as the nightly Kubernetes Job runs it (deploy/kubernetes/).
# Base: the minimal Debian 12 Python image at an exact patch release (pin its digest in your registry mirror:
# docker buildx imagetools inspect python:3.11.7-slim-bookworm). Dependencies: the versions of requirements.lock
# (runtime ones only: the lock constrains, the package's own requirements choose). No build tools are left in it.
FROM python:3.11.7-slim-bookworm AS build
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY reconciler ./reconciler
COPY deploy/image/install.sh ./deploy/image/install.sh
RUN sh deploy/image/install.sh /opt/reconciler /src

FROM python:3.11.7-slim-bookworm
ENV PATH=/opt/reconciler/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Shanghai
COPY --from=build /opt/reconciler /opt/reconciler
# 65532: an unprivileged id with no account and no home; the Job mounts the fleet file and an emptyDir for /tmp
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["/opt/reconciler/bin/reconciler"]
CMD ["fleet", "check", "/etc/reconciler/fleet.json"]
