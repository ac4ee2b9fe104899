# Two commands matter: `make run` and `make test`. Everything they need is installed by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
export RAG_DATA_DIR ?= $(CURDIR)/.rag-data
export RAGAS_DO_NOT_TRACK := true
export LANGGRAPH_CLI_NO_ANALYTICS := 1
export LANGGRAPH_NO_VERSION_CHECK := true

.PHONY: run test adversity lint bench eval install system-packages clean stack-up stack-down stack-test

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# llama-cpp-python compiles from source once (~7 min on 2 cores); pip caches the wheel.
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

system-packages:
	bash infra/dev/system-packages.sh

## make run: fresh machine -> the service on the bundled sample corpus (no keys, no servers to install)
run: install
	$(BIN)/rag models pull
	$(BIN)/rag ingest samples/corpus
	@echo
	@echo "personal-rag on http://127.0.0.1:$(PORT) (local development run: no API keys; Ctrl-C stops)"
	@echo "  chat: http://127.0.0.1:$(PORT)/    admin console: http://127.0.0.1:$(PORT)/admin"
	@echo "  playground: http://127.0.0.1:$(PORT)/rag/playground/    API docs: http://127.0.0.1:$(PORT)/docs"
	@echo "  curl -s http://127.0.0.1:$(PORT)/rag/invoke -H 'Content-Type: application/json' \\"
	@echo "    -d '{\"input\": {\"question\": \"When does my Kubernetes certification expire?\"}, \"config\": {\"configurable\": {\"thread_id\": \"demo\"}}}'"
	@echo
	RAG_DEV_MODE=true $(BIN)/rag serve --host 127.0.0.1 --port $(PORT)

## make test: fresh machine -> the whole suite (the adversity and stack tests have targets of their own)
test: install system-packages
	$(BIN)/rag models pull
	$(BIN)/pytest -q

## make adversity: faults injected into real servers, and load (~12 min on 2 cores); ends with
## the Reliability table (also as JSON in $$RAG_RELIABILITY_OUT when set)
adversity: install system-packages
	$(BIN)/pytest -q -m adversity

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: install
	$(BIN)/python -m benchmarks.retrieval
	$(BIN)/python -m benchmarks.retrieval.steps
	$(BIN)/python -m benchmarks.serving
	$(BIN)/python -m benchmarks.answers

## make eval: the full eval of both eval sets with the local model and the gate (slow: 20-40 min per set on 2 cores)
eval: install
	$(BIN)/rag models pull
	$(BIN)/rag eval --dataset sample --gate --out eval-out/sample
	$(BIN)/rag eval --dataset ottilie-brandqvist --gate --out eval-out/ottilie-brandqvist

## The whole stack in containers (docs/deploy.md). COMPOSE: `docker compose` or `podman-compose`.
COMPOSE ?= docker compose
STACK := $(COMPOSE) -f infra/compose.yaml

stack-up:
	bash infra/secrets.sh
	$(STACK) build
	$(STACK) --profile setup run --rm models
	$(STACK) --profile backup up -d

stack-down:
	$(STACK) --profile backup down

## make stack-test: the stack from nothing with local images (infra/test/), tested with real containers
stack-test: install
	bash infra/test/host-setup.sh
	$(BIN)/pip install -q podman-compose==1.6.0
	bash infra/test/images.sh $(VENV)
	$(BIN)/pytest -q -m stack tests/stack

clean:
	rm -rf $(VENV) .rag-data .pytest_cache .mypy_cache .ruff_cache
