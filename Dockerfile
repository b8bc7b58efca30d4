# Static images of otelbench and of the bundled target, for `otelbench k8s`:
#
#   docker build --target otelbench -t otelbench:dev .
#   docker build --target target    -t otelbench-target:dev .
#
# Both binaries are built once, with CGO_ENABLED=0 (no libc: they run on
# scratch), and each image holds one of them, run as an unprivileged user
# (65532, the one the manifests' pods run as).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ ./cmd/otelbench ./cmd/otelbench-target

FROM scratch AS target
COPY --from=build /out/otelbench-target /otelbench-target
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/otelbench-target"]

# Last, so that a plain `docker build .` gives otelbench.
FROM scratch AS otelbench
COPY --from=build /out/otelbench /otelbench
USER 65532:65532
ENTRYPOINT ["/otelbench"]
