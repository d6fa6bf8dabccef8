#!/usr/bin/env python3
"""Writes a PyTorch-style zip checkpoint of about SIZE_MB megabytes (stored, not compressed, as
torch.save writes it): archive/data.pkl naming N tensors through persistent ids, and
archive/data/<i> holding their bytes. Uses only pickle, zipfile and struct (no torch).

With --npz, writes what numpy.savez writes instead: a stored zip of <name>.npy members.

Usage: gen_checkpoint.py [--npz] <out> [size_mb]
"""
import io
import os
import pickle
import struct
import sys
import types
import zipfile
from collections import OrderedDict


def stand_in(module_name, name, value):
    parts = module_name.split(".")
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    value.__module__ = module_name
    value.__qualname__ = value.__name__ = name
    setattr(sys.modules[module_name], name, value)


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stand-in")


class FloatStorage:
    pass


stand_in("torch._utils", "_rebuild_tensor_v2", _rebuild_tensor_v2)
stand_in("torch", "FloatStorage", FloatStorage)


class Ref:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class Tensor:
    def __init__(self, key, rows, cols):
        self.key, self.rows, self.cols = key, rows, cols

    def __reduce__(self):
        return (_rebuild_tensor_v2, (Ref(self.key, self.rows * self.cols), 0, (self.rows, self.cols),
                                     (self.cols, 1), False, OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Ref):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def npy_header(rows, cols):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def write_npz(out, tensors, rows, cols):
    chunk = os.urandom(rows * cols * 4)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for i in range(tensors):
            z.writestr("layers.%d.weight.npy" % i, npy_header(rows, cols) + chunk)


def main():
    args = [a for a in sys.argv[1:] if a != "--npz"]
    out = args[0]
    size_mb = int(args[1]) if len(args) > 1 else 1024
    tensors = 256
    cols = 1024
    rows = max(1, size_mb * 1000 * 1000 // (tensors * cols * 4))
    if "--npz" in sys.argv:
        write_npz(out, tensors, rows, cols)
        return
    state = OrderedDict(("layers.%d.weight" % i, Tensor(str(i), rows, cols)) for i in range(tensors))
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    chunk = os.urandom(rows * cols * 4)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("archive/data.pkl", buffer.getvalue())
        z.writestr("archive/byteorder", "little")
        for i in range(tensors):
            z.writestr("archive/data/%d" % i, chunk)
        z.writestr("archive/version", "3\n")


if __name__ == "__main__":
    main()
