#!/usr/bin/env python3
"""Writes a labelled corpus of model files for Gate's model-serialization rule: hostile files
reproducing published scanner bypasses (with harmless payloads such as os.system('true')) and
benign files laid out the way torch.save, joblib.dump and numpy.savez lay them out.

Only the standard library is used (pickle, zipfile, tarfile, struct); torch, numpy and joblib
are emulated byte for byte. Nothing written here is ever loaded, except by `--check`, which
replays every pickle-level hostile file through a recording Unpickler (find_class records the
import and returns a harmless stand-in) to confirm that Python really reaches the import.

Usage: gen_corpus.py <output-folder> [--check]
Writes <output-folder>/labels.tsv: path, label (malicious|benign), technique, rule parameters.
"""
import io
import os
import pickle
import struct
import sys
import tarfile
import zipfile

OUT = sys.argv[1]
CHECK = "--check" in sys.argv[2:]
LABELS = []
TRACEABLE = []  # (path, offset of the pickle reached, import Python must reach)


# --- a small pickle assembler: every hostile stream is written opcode by opcode ----------------

def proto(n):
    return b"\x80" + bytes([n])


def glob(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def ustr(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def short_ustr(text):
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def stack_glob(module, name):
    return short_ustr(module) + short_ustr(name) + b"\x93"


def call(callable_ops, *args):
    """callable(*args) with string arguments, leaving the result on the stack."""
    return callable_ops + b"(" + b"".join(ustr(a) for a in args) + b"tR"


def system_true(module="os"):
    return call(glob(module, "system"), "true")


def whole(*parts, protocol=2):
    return proto(protocol) + b"".join(parts) + b"."


# --- layouts of the frameworks ----------------------------------------------------------------

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def legacy_sys_info():
    return pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)


def tensor_pickle(keys, sparse=False):
    """The object pickle of torch.save: an OrderedDict of tensors rebuilt from persistent ids."""
    out = proto(2) + glob("collections", "OrderedDict") + b")R" + b"("
    for i, key in enumerate(keys):
        out += ustr("layer%d.weight" % i)
        storage = (b"(" + ustr("storage") + glob("torch", "FloatStorage") + ustr(key) + ustr("cpu")
                   + b"K\x04tQ")
        dense = (glob("torch._utils", "_rebuild_tensor_v2") + b"(" + storage + b"K\x00K\x02K\x02\x86"
                 + b"K\x02K\x01\x86\x89" + glob("collections", "OrderedDict") + b")RtR")
        if sparse and i == 0:
            layout = call(glob("torch.serialization", "_get_layout"), "torch.sparse_coo")
            out += (glob("torch._utils", "_rebuild_sparse_tensor") + b"(" + layout + b"(" + dense
                    + dense + b"K\x02K\x02\x86\x88tK\x00tR")
        else:
            out += dense
    return out + b"u."


def torch_zip(path, data_pkl, records=("0",), name="archive"):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(name + "/data.pkl", data_pkl)
        z.writestr(name + "/byteorder", "little")
        for key in records:
            z.writestr(name + "/data/" + key, b"\0" * 16)
        z.writestr(name + "/version", "3\n")
        z.writestr(name + "/.data/serialization_id", "1234567890")


def legacy_sequence(main, keys=("0",)):
    """torch.save(..., _use_new_zipfile_serialization=False): five pickles, then raw storages."""
    out = pickle.dumps(LEGACY_MAGIC, protocol=2) + pickle.dumps(1001, protocol=2)
    out += legacy_sys_info() + main + pickle.dumps(list(keys), protocol=2)
    for _ in keys:
        out += struct.pack("<q", 4) + b"\x9c\x9c\x0a\x63" * 4  # raw floats, some bytes look like ops
    return out


def tar_member(tar, name, data, kind=tarfile.REGTYPE, link=None, pax=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    if link is not None:
        info.linkname = link
    if pax:
        info.pax_headers = pax
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def legacy_storages(views=None):
    """The `storages` member: a count, per storage a pickle and raw data, then the views."""
    record = proto(2) + b"(" + ustr("0") + ustr("cpu") + glob("torch", "FloatStorage") + b"t."
    data = struct.pack("<q", 4) + b"cos\nsystem\n(S'x'\ntR" [:16]  # raw floats that read as opcodes
    return pickle.dumps(1, protocol=2) + record + data + (views or pickle.dumps([], protocol=2))


def legacy_tar(path, pickle_bytes, fmt=tarfile.PAX_FORMAT, extra=None, storages=None):
    storages = storages or legacy_storages()
    tensors = pickle.dumps(0, protocol=2)
    with tarfile.open(path, "w", format=fmt) as tar:
        tar_member(tar, "sys_info", legacy_sys_info())
        tar_member(tar, "storages", storages)
        tar_member(tar, "tensors", tensors)
        if extra:
            extra(tar)
        if pickle_bytes is not None:
            tar_member(tar, "pickle", pickle_bytes)


def v7_tar(path, members):
    """A pre-POSIX (v7) tar: no ustar magic, as old writers and tarfile's V7 reader accept."""
    out = b""
    for name, data in members:
        header = bytearray(512)
        header[0:len(name)] = name.encode()
        header[100:108] = b"0000644\0"
        header[108:116] = b"0000000\0"
        header[116:124] = b"0000000\0"
        header[124:136] = ("%011o\0" % len(data)).encode()
        header[136:148] = b"00000000000\0"
        header[148:156] = b" " * 8
        header[156:157] = b"0"
        header[148:156] = ("%06o\0 " % sum(header)).encode()
        out += bytes(header) + data + b"\0" * (-len(data) % 512)
    open(path, "wb").write(out + b"\0" * 1024)


def npy(array_header, payload):
    header = array_header.encode()
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def npy_floats():
    return npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", b"\0" * 16)


def npy_objects(pickle_bytes):
    return npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", pickle_bytes)


def ndarray_reduce(dims=(3,), dtype="f8", data=b"\0" * 24):
    """An ndarray as pickle (protocol 2) writes it: _reconstruct, then BUILD with its state."""
    shape = b"(" + b"".join(b"K" + bytes([d]) for d in dims) + b"t"
    dtype_ops = (glob("numpy", "dtype") + b"(" + ustr(dtype) + b"\x89\x88tR"
                 + b"(K\x03" + ustr("<") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb")
    return (glob("numpy.core.multiarray", "_reconstruct") + b"(" + glob("numpy", "ndarray")
            + b"K\x00\x85" + ustr("b") + b"tR" + b"(K\x01" + shape + dtype_ops + b"\x89"
            + b"C" + bytes([len(data)]) + data + b"tb")


def sklearn_model(extra=b""):
    """What joblib.dump(LogisticRegression fitted) writes with NumPy arrays pickled inline."""
    return whole(glob("copyreg", "_reconstructor") + b"(" + glob("sklearn.linear_model._logistic",
                 "LogisticRegression") + glob("builtins", "object") + b"NtR" + b"}(" + ustr("coef_")
                 + ndarray_reduce() + ustr("intercept_") + ndarray_reduce((1,), "f8", b"\0" * 8)
                 + ustr("random_state") + call(glob("numpy.random._pickle", "__randomstate_ctor"),
                                                "MT19937") + extra
                 + ustr("_sklearn_version") + ustr("1.3.2") + b"ub")


def joblib_array(dims=(3,), data=None, aligned=True):
    """An ndarray as joblib.dump writes it: a NumpyArrayWrapper, then the raw bytes inline."""
    data = data if data is not None else b"." * (8 * dims[0])  # STOP bytes: a scan must skip them
    shape = b"(" + b"".join(b"K" + bytes([d]) for d in dims) + b"t"
    dtype_ops = (glob("numpy", "dtype") + b"(" + ustr("f8") + b"\x89\x88tR"
                 + b"(K\x03" + ustr("<") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb")
    state = (b"}(" + ustr("subclass") + glob("numpy", "ndarray") + ustr("shape") + shape
             + ustr("order") + ustr("C") + ustr("dtype") + dtype_ops + ustr("allow_mmap") + b"\x88")
    if aligned:
        state += ustr("numpy_array_alignment_bytes") + b"K\x10"
    ops = glob("joblib.numpy_pickle", "NumpyArrayWrapper") + b")\x81" + state + b"ub"
    return ops + ((b"\x03" + b"\xff" * 3) if aligned else b"") + data


def joblib_model(extra=b""):
    """joblib.dump(fitted LogisticRegression) uncompressed: arrays inline in the pickle stream."""
    return whole(glob("copyreg", "_reconstructor") + b"(" + glob("sklearn.linear_model._logistic",
                 "LogisticRegression") + glob("builtins", "object") + b"NtR" + b"}(" + ustr("coef_")
                 + joblib_array() + ustr("intercept_") + joblib_array((1,), aligned=False)
                 + extra + ustr("_sklearn_version") + ustr("1.3.2") + b"ub")


# --- writing ----------------------------------------------------------------------------------

def at(name):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def put(name, label, technique, data=None, params="{}", trace=None):
    path = at(name)
    if data is not None:
        open(path, "wb").write(data)
    LABELS.append((name, label, technique, params))
    if trace:
        TRACEABLE.append((path, trace))


def hostile():
    payload = whole(system_true())
    # Format chosen by content, not by name.
    torch_zip(at("sniff/model.zip"), whole(system_true()))
    put("sniff/model.zip", "malicious", "sniff-torch-zip-named-zip")
    for ext in ("bin", "model", "data", ""):
        put("sniff/pickle" + ("." + ext if ext else ""), "malicious", "sniff-pickle-" + (ext or "noext"),
            payload, trace="os.system")
    v7_tar(at("sniff/old_v7.pt"), [("sys_info", legacy_sys_info()),
                                                 ("pickle", payload)])
    put("sniff/old_v7.pt", "malicious", "sniff-tar-without-ustar")
    torch_zip(at("formats/weights.zip"), tensor_pickle(["0"]))
    put("formats/weights.zip", "malicious", "allowed-formats-catches-sniffed",
        params="{allowed-formats: [safetensors]}")
    put("formats/weights.bin", "malicious", "allowed-formats-catches-sniffed",
        pickle.dumps({"w": [1.0, 2.0]}, protocol=2), params="{allowed-formats: [safetensors]}")

    # Legacy multi-pickle checkpoints: the payload is in the fourth pickle, after bytes that
    # stopped the scan (Python reads them without complaint).
    long_line = proto(2) + b"S'" + b"a" * (1536 * 1024) + b"'\n0" + system_true() + b"."
    put_five = proto(2) + b"Np5000000\n0" + system_true() + b"."
    pushes = proto(2) + b"(" + b"N" * 2_500_000 + b"1" + system_true() + b"."
    for technique, main in (("legacy-line-over-1MiB", long_line), ("legacy-put-5000000", put_five),
                            ("legacy-many-stack-pushes", pushes)):
        put("legacy/%s.pt" % technique, "malicious", technique, legacy_sequence(main),
            trace="os.system")

    # Legacy tar members as tarfile reads them.
    legacy_tar(at("tar/hardlink.pt"), None, extra=lambda t: (
        tar_member(t, "payload.bin", payload), tar_member(t, "pickle", b"", tarfile.LNKTYPE, "payload.bin")))
    put("tar/hardlink.pt", "malicious", "tar-link-member")
    legacy_tar(at("tar/symlink.pt"), None, extra=lambda t: (
        tar_member(t, "x/blob", payload), tar_member(t, "pickle", b"", tarfile.SYMTYPE, "x/blob")))
    put("tar/symlink.pt", "malicious", "tar-link-member")
    legacy_tar(at("tar/pax_renamed.pt"), None, extra=lambda t: tar_member(
        t, "innocent.txt", payload, pax={"path": "pickle"}))
    put("tar/pax_renamed.pt", "malicious", "tar-pax-renamed-member")
    legacy_tar(at("tar/storages_views.pt"), pickle.dumps({}, protocol=2),
               storages=legacy_storages(whole(system_true())))
    put("tar/storages_views.pt", "malicious", "tar-payload-after-storage-data")
    legacy_tar(at("tar/repeated.pt"), payload, extra=lambda t: tar_member(
        t, "pickle", pickle.dumps({"a": 1}, protocol=2)))
    put("tar/repeated.pt", "malicious", "tar-repeated-member")

    # npz members NumPy loads whatever their name.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("weights.npy", npy_floats())
        z.writestr("config", npy_objects(whole(system_true())))
    put("npz/unnamed_member.npz", "malicious", "npz-member-not-npy", buffer.getvalue())

    # FRAME with a length that does not match what follows: Python reads the opcodes anyway.
    body = stack_glob("os", "system") + b"(" + ustr("true") + b"tR."
    for label, length in (("short", 3), ("zero", 0), ("long", len(body) + 9)):
        data = proto(4) + b"\x95" + struct.pack("<Q", length) + body + b"N" * 10
        put("frame/frame_%s.pkl" % label, "malicious", "frame-wrong-length", data, trace="os.system")

    # Spellings of dangerous callables that dodge a name list.
    evasions = {
        "operator_methodcaller": call(glob("_operator", "methodcaller"), "system", "true"),
        "pathlib_os": whole(stack_glob("pathlib", "os.system") + b"(" + ustr("true") + b"tR", protocol=4),
        "loader_load_module": whole(stack_glob("builtins", "__loader__.load_module")
                                    + b"(" + ustr("os") + b"tR", protocol=4),
        "main_builtins_exec": whole(stack_glob("__main__", "__builtins__.exec") + b"("
                                    + ustr("import os; os.system('true')") + b"tR", protocol=4),
        "numpy_builtins": whole(stack_glob("numpy", "__builtins__.get") + b"(" + ustr("exec") + b"tR"
                                + b"(" + ustr("pass") + b"tR", protocol=4),
        "posixpath_os": whole(stack_glob("posixpath", "os.system") + b"(" + ustr("true") + b"tR", protocol=4),
        "torch_serialization_os": whole(stack_glob("torch.serialization", "os.system") + b"("
                                        + ustr("true") + b"tR", protocol=4),
        "importlib_import_module": whole(call(glob("importlib", "import_module"), "os")),
    }
    for name, data in evasions.items():
        if not data.startswith(b"\x80"):
            data = whole(data)
        put("evasion/%s.pkl" % name, "malicious", "deny-list-evasion", data)

    # A payload after an inline joblib array: found only by reading past the array's bytes.
    put("joblib/after_array.joblib", "malicious", "joblib-payload-after-inline-array",
        joblib_model(ustr("hook") + system_true()))

    # Callables on no list that still run commands: only strict mode blocks them.
    for name, ops in (("pydoc_pipepager", call(glob("pydoc", "pipepager"), "", "true")),
                      ("imaplib_stream", call(glob("imaplib", "IMAP4_stream"), "true"))):
        put("strict/%s.pkl" % name, "malicious", "unknown-import-strict", whole(ops), trace=None)


def benign():
    torch_zip(at("benign/state_dict.pt"), tensor_pickle(["0", "1"]), ("0", "1"))
    put("benign/state_dict.pt", "benign", "torch-zip-state-dict")
    torch_zip(at("benign/pytorch_model.bin"), tensor_pickle(["0"]), name="pytorch_model")
    put("benign/pytorch_model.bin", "benign", "torch-zip-state-dict")
    torch_zip(at("benign/sparse.pt"), tensor_pickle(["0", "1"], sparse=True), ("0", "1"))
    put("benign/sparse.pt", "benign", "torch-sparse-layout")
    put("benign/legacy.pt", "benign", "torch-legacy-pickles", legacy_sequence(tensor_pickle(["0"])))
    legacy_tar(at("benign/legacy_tar.pt"), tensor_pickle(["0"]))
    put("benign/legacy_tar.pt", "benign", "torch-legacy-tar")
    put("benign/model.joblib", "benign", "sklearn-joblib", sklearn_model())
    put("benign/array.pkl", "benign", "numpy-pickle", whole(ndarray_reduce()))
    put("benign/inline.joblib", "benign", "sklearn-joblib-inline-arrays", joblib_model())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.npy", npy_floats())
        z.writestr("b.npy", npy_floats())
    put("benign/arrays.npz", "benign", "numpy-npz", buffer.getvalue())
    header = b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    put("benign/w.safetensors", "benign", "safetensors",
        struct.pack("<Q", len(header)) + header + b"\0" * 8)
    put("benign/config.json", "benign", "not-a-model", b'{"hidden_size": 8}\n')
    put("benign/README", "benign", "not-a-model", b"A model card without front matter.\n")


def check():
    """Confirms, with a recording find_class, that Python reaches each traced import."""
    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            self.seen.append(module + "." + name)
            return lambda *args, **kwargs: None

    failures = 0
    for path, wanted in TRACEABLE:
        data = open(path, "rb").read()
        stream = open(path, "rb")  # a real file, as torch.load(path) and pickle.load read it
        seen = []
        for _ in range(5):
            recorder = Recorder(stream)
            recorder.seen = seen
            recorder.persistent_load = lambda pid: None
            try:
                recorder.load()
            except Exception:
                break
            if stream.tell() >= len(data):
                break
        stream.close()
        if wanted not in seen and wanted.replace("os.", "posix.") not in seen:
            print("check failed: %s never reaches %s (saw %s)" % (path, wanted, seen), file=sys.stderr)
            failures += 1
    return failures


hostile()
benign()
with open(at("labels.tsv"), "w") as labels:
    for row in LABELS:
        labels.write("\t".join(row) + "\n")
if CHECK:
    sys.exit(1 if check() else 0)
