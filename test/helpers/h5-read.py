"""Reads an HDF5 dataset (h5py) or a Minari dataset (minari) and prints it as JSON for the tests.

usage: h5-read.py h5 FILE          every group and dataset: shape, dtype, chunks, compression, attrs, values
       h5-read.py digest FILE      every dataset: shape, dtype, chunks, SHA-256 of its values' bytes
       h5-read.py minari ROOT ID   minari.load_dataset(ID) with MINARI_DATASETS_PATH=ROOT, episodes, filter
"""
import hashlib
import json
import math
import os
import sys

import numpy as np


def py(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return [py(x) for x in v.tolist()] if v.ndim else py(v.item())
    if isinstance(v, (list, tuple)):
        return [py(x) for x in v]
    if isinstance(v, dict):
        return {str(k): py(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def dump_h5(path):
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {"type": "group", "attrs": py(dict(f.attrs)), "keys": list(f.keys())}

        def visit(name, obj):
            entry = {"attrs": py(dict(obj.attrs))}
            if isinstance(obj, h5py.Dataset):
                entry.update(
                    type="dataset",
                    shape=list(obj.shape),
                    dtype=str(obj.dtype),
                    chunks=list(obj.chunks) if obj.chunks else None,
                    maxshape=[-1 if d is None else d for d in obj.maxshape],
                    compression=obj.compression,
                    values=py(obj[()]) if obj.size <= 20000 else None,
                )
            else:
                entry.update(type="group", keys=list(obj.keys()))
            out[name] = entry

        f.visititems(visit)
    return out


def digest_h5(path):
    """Large datasets too: the values as little-endian bytes (bool as 0/1 bytes), hashed."""
    import h5py

    out = {}
    with h5py.File(path, "r") as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                a = np.ascontiguousarray(obj[()])
                data = a.astype(a.dtype.newbyteorder("<")).tobytes()
                out[name] = {
                    "shape": list(obj.shape),
                    "dtype": str(obj.dtype),
                    "chunks": list(obj.chunks) if obj.chunks else None,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }

        f.visititems(visit)
    return out


def episode(e):
    def arr(v):
        if isinstance(v, dict):
            return {k: arr(x) for k, x in v.items()}
        if isinstance(v, tuple):
            return [arr(x) for x in v]
        a = np.asarray(v)
        return {"shape": list(a.shape), "dtype": str(a.dtype), "values": py(a)}

    return {
        "id": int(e.id),
        "observations": arr(e.observations),
        "actions": arr(e.actions),
        "rewards": arr(e.rewards),
        "terminations": arr(e.terminations),
        "truncations": arr(e.truncations),
        "infos": arr(e.infos),
    }


def dump_minari(root, dataset_id):
    os.environ["MINARI_DATASETS_PATH"] = root
    import minari

    ds = minari.load_dataset(dataset_id)
    direct = minari.MinariDataset(os.path.join(root, dataset_id, "data"))
    terminated = ds.filter_episodes(lambda e: e.terminations[-1])
    truncated = ds.filter_episodes(lambda e: e.truncations[-1])
    with open(os.path.join(root, dataset_id, "data", "metadata.json")) as fh:
        raw = json.load(fh)
    return {
        "id": ds.id,
        "total_episodes": ds.total_episodes,
        "total_steps": ds.total_steps,
        "direct_total_episodes": direct.total_episodes,
        "observation_space": repr(ds.observation_space),
        "action_space": repr(ds.action_space),
        "spec_version": ds.spec.version,
        "metadata_keys": list(raw.keys()),
        "metadata": py({k: v for k, v in raw.items() if not k.endswith("_space")}),
        "episode_metadata": py(list(ds.storage.get_episode_metadata(range(ds.total_episodes)))),
        "terminated": py(terminated.episode_indices),
        "truncated": py(truncated.episode_indices),
        "episodes": [episode(e) for e in ds.iterate_episodes()],
        "local": list(minari.list_local_datasets().keys()),
    }


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "h5":
        result = dump_h5(sys.argv[2])
    elif mode == "digest":
        result = digest_h5(sys.argv[2])
    else:
        result = dump_minari(sys.argv[2], sys.argv[3])
    print(json.dumps(result))
