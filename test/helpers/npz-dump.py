"""Reads an .npz with the real numpy and prints it as one JSON object (used by npz-writer tests).

Usage: npz-dump.py PATH [--summary]
Each array: dtype, shape and (unless --summary) its bytes in base64; plus zipfile's testzip
result and the compression methods of the members.
"""

import base64
import json
import sys
import zipfile

import numpy as np

path = sys.argv[1]
summary = "--summary" in sys.argv[2:]
with zipfile.ZipFile(path) as zf:
    bad = zf.testzip()
    methods = sorted({info.compress_type for info in zf.infolist()})
arrays = {}
with np.load(path) as npz:
    for key in npz.files:
        arr = npz[key]
        entry = {"dtype": str(arr.dtype), "shape": list(arr.shape)}
        if summary:
            entry["first"] = arr.reshape(arr.shape[0], -1)[:, 0][:3].tolist() if arr.size else []
            entry["last"] = arr.reshape(arr.shape[0], -1)[-1, :3].tolist() if arr.size else []
        else:
            entry["data"] = base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")
        arrays[key] = entry
print(json.dumps({"testzip": bad, "methods": methods, "arrays": arrays}))
