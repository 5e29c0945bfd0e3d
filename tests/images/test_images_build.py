# SPDX-License-Identifier: MIT
"""The image build is reproducible and described: a rebuild gives the same bytes as make images,
and the manifest lists every image with its digest and payload package versions."""
import hashlib
import os
import subprocess
import time

import pytest

from conftest import BUILD, IMAGES, ROOT, expected, image_path

MANIFEST = IMAGES / "manifest.txt"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_stages():
    """{"stage1": path, "runtime": path} as the manifest recorded them, or a skip if they changed
    since (a rebuild with other stages must differ)."""
    if not MANIFEST.exists():
        pytest.skip("no manifest (make images)")
    stages = {}
    for line in MANIFEST.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "#" and parts[1] in ("stage1", "runtime"):
            path = ROOT / parts[3]
            if not path.exists() or sha256(path) != parts[2]:
                pytest.skip(f"{parts[3]} changed since make images")
            stages[parts[1]] = path
    assert set(stages) == {"stage1", "runtime"}, MANIFEST.read_text()
    return stages


def build(name, out, stage1, runtime):
    """images/build-image.sh build, as mk/images.mk runs it."""
    env = dict(os.environ, IMAGES_BUILD=str(IMAGES), BUILD=str(BUILD),
               MKIMAGE=str(BUILD / "mkimage"), IMAGES_STAGE1=str(stage1),
               IMAGES_RUNTIME=str(runtime), SOURCE_DATE_EPOCH="1704067200")
    subprocess.run([str(ROOT / "images/build-image.sh"), "build",
                    str(ROOT / f"images/{name}.recipe"), str(out)],
                   env=env, check=True, capture_output=True)
    return sha256(out)


@pytest.mark.parametrize("name", ["linux-uki", "grub", "systemd-boot"])
def test_building_an_image_twice_gives_the_same_bytes(name, tmp_path):
    image_path(name)  # make images fetched the packages
    probe = BUILD / "tests/handoff_probe.bin", BUILD / "tests/handoff_probe_runtime.bin"
    if not all(p.exists() for p in probe):
        pytest.skip("no hand-off probe stages (make)")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = build(name, tmp_path / "a" / f"{name}.img", *probe)
    time.sleep(1.1)  # a time stamp that leaks in would now differ
    assert build(name, tmp_path / "b" / f"{name}.img", *probe) == first


@pytest.mark.parametrize("name", ["linux-uki", "shim-grub"])
def test_rebuild_matches_make_images(name, tmp_path):
    built = image_path(name)
    stages = manifest_stages()
    out = tmp_path / f"{name}.img"
    assert build(name, out, stages["stage1"], stages["runtime"]) == sha256(built)
    assert (tmp_path / f"{name}.img.sha256").read_text() == \
        (IMAGES / f"{name}.img.sha256").read_text()


def test_manifest_lists_each_image_with_its_digest_and_packages():
    if not MANIFEST.exists():
        pytest.skip("no manifest (make images)")
    text = MANIFEST.read_text()
    for name in expected():
        image = IMAGES / f"{name}.img"
        line = next((l for l in text.splitlines() if l.startswith(f"{name}.img ")), None)
        assert line, f"{name} missing from the manifest"
        if image.exists():
            assert line.split()[1:] == [str(image.stat().st_size), sha256(image)], line
    assert "linux-image-cloud-amd64=" in text and "busybox-static=" in text
