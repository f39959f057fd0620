"""Render infra/k8s overlays: with `kubectl kustomize` when kubectl is installed, else with `build()`, the subset
of Kustomize the manifests use (kustomize itself is not on PyPI). tests/contract/test_kubernetes.py checks that
both give the same objects wherever kubectl is there."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]


def render(directory: Path) -> list[Manifest]:
    if shutil.which("kubectl"):
        output = subprocess.run(["kubectl", "kustomize", str(directory)], capture_output=True, text=True, check=True)
        return [doc for doc in yaml.safe_load_all(output.stdout) if doc]
    return build(directory)


def build(directory: Path) -> list[Manifest]:
    """resources, namespace, labels, images and patches (JSON 6902 `add` lists, strategic-merge maps and
    `$patch: delete`), each with an optional target (kind, name, labelSelector)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    manifests: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        manifests += build(path) if path.is_dir() else [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    for patch in kustomization.get("patches", []):
        body = yaml.safe_load((directory / patch["path"]).read_text() if "path" in patch else patch["patch"])
        manifests = _apply_patch(manifests, body, patch.get("target"))
    for label in kustomization.get("labels", []):
        for manifest in manifests:
            manifest["metadata"].setdefault("labels", {}).update(label["pairs"])
            template = manifest.get("spec", {}).get("template")
            if label.get("includeTemplates") and template is not None:
                template.setdefault("metadata", {}).setdefault("labels", {}).update(label["pairs"])
    if "namespace" in kustomization:
        for manifest in manifests:
            if manifest["kind"] != "Namespace":
                manifest["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        for manifest in manifests:
            for container in _containers(manifest):
                if container["image"] == image["name"]:
                    container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    return manifests


def _containers(manifest: Manifest) -> list[dict]:
    """Its pod's containers, init containers included."""
    pod = manifest.get("spec", {}).get("template", {}).get("spec", {})
    return pod.get("initContainers", []) + pod.get("containers", [])


def _selected(manifest: Manifest, target: dict | None, patch: Any) -> bool:
    if isinstance(patch, dict):  # a strategic-merge patch names its object
        target = {"kind": patch["kind"], "name": patch["metadata"]["name"], **(target or {})}
    if not target:
        return True
    labels = manifest["metadata"].get("labels", {})
    selector = dict(pair.split("=", 1) for pair in target.get("labelSelector", "").split(",") if pair)
    return (manifest["kind"] == target.get("kind", manifest["kind"])
            and manifest["metadata"]["name"] == target.get("name", manifest["metadata"]["name"])
            and all(labels.get(key) == value for key, value in selector.items()))


def _apply_patch(manifests: list[Manifest], patch: Any, target: dict | None) -> list[Manifest]:
    patched = []
    for manifest in manifests:
        if not _selected(manifest, target, patch):
            patched.append(manifest)
        elif isinstance(patch, list):
            patched.append(_json6902(manifest, patch))
        elif patch.get("$patch") != "delete":
            patched.append(_merge(manifest, patch))
    return patched


def _json6902(manifest: Manifest, operations: list[dict]) -> Manifest:
    result = copy.deepcopy(manifest)
    for operation in operations:
        if operation["op"] != "add":
            raise NotImplementedError(f"JSON patch op {operation['op']!r}")
        *parents, last = [part for part in operation["path"].split("/")[1:]]
        node: Any = result
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        value = copy.deepcopy(operation["value"])
        if isinstance(node, list):
            node.append(value) if last == "-" else node.insert(int(last), value)
        else:
            node[last] = value
    return result


def _merge(base: Any, patch: Any) -> Any:
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        merged[key] = _merge(merged.get(key), value)
    return merged
