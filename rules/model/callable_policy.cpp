#include "rules/model/callable_policy.hpp"

#include <algorithm>
#include <string_view>

namespace gate::rules::model {

namespace {

bool matches(const std::string& pattern, const std::string& module, const std::string& name) {
  if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0) {
    return module == pattern.substr(0, pattern.size() - 2);
  }
  if (module == pattern) return true;
  if (module.size() > pattern.size() && module.compare(0, pattern.size(), pattern) == 0 &&
      module[pattern.size()] == '.') {
    return true;
  }
  return pattern.size() == module.size() + 1 + name.size() &&
         pattern.compare(0, module.size(), module) == 0 && pattern[module.size()] == '.' &&
         pattern.compare(module.size() + 1, std::string::npos, name) == 0;
}

bool is_dunder(std::string_view part) {
  return part.size() > 4 && part.substr(0, 2) == "__" && part.substr(part.size() - 2) == "__";
}

std::vector<std::string_view> dotted_parts(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// Modules whose reach is code execution, file or network access: when a name walks to one of
// them as an attribute (`pathlib.os`, `torch.serialization.sys`) the import is that module.
bool is_dangerous_module_name(std::string_view part) {
  static const std::vector<std::string_view> names = {"os",
                                                      "posix",
                                                      "nt",
                                                      "sys",
                                                      "subprocess",
                                                      "builtins",
                                                      "__builtin__",
                                                      "shutil",
                                                      "socket",
                                                      "importlib",
                                                      "runpy",
                                                      "pty",
                                                      "ctypes",
                                                      "marshal",
                                                      "pickle",
                                                      "_pickle",
                                                      "code",
                                                      "codeop",
                                                      "webbrowser",
                                                      "multiprocessing",
                                                      "_io",
                                                      "io",
                                                      "_posixsubprocess",
                                                      "_operator",
                                                      "operator",
                                                      "functools",
                                                      "pdb",
                                                      "tempfile",
                                                      "glob",
                                                      "pathlib",
                                                      "zipimport",
                                                      "pkgutil",
                                                      "asyncio",
                                                      "platform"};
  return std::find(names.begin(), names.end(), part) != names.end();
}

// Whether resolving `name` attribute by attribute (protocol 4 dotted names; a bare attribute for
// GLOBAL) walks through a dunder (`__globals__`, `__builtins__`, `__loader__`) or reaches a
// dangerous module under another module's name.
bool reaches_around_the_lists(const std::string& name) {
  for (std::string_view part : dotted_parts(name)) {
    if (is_dunder(part) || is_dangerous_module_name(part)) return true;
  }
  return false;
}

// Names the built-in lists let through although a broader deny entry or the dunder rule would
// catch them: each is a constructor Python's own pickling of a common type writes, and none can
// run code or touch files.
bool is_known_safe_exception(const std::string& full_name) {
  static const std::vector<std::string_view> names = {
      "torch.serialization._get_layout",  // a layout name to torch.layout, for sparse tensors
      "numpy.random._pickle.__randomstate_ctor",
      "numpy.random._pickle.__generator_ctor",
      "numpy.random._pickle.__bit_generator_ctor",
  };
  return std::find(names.begin(), names.end(), full_name) != names.end();
}

}  // namespace

CallablePolicy::CallablePolicy(std::vector<std::string> allow, std::vector<std::string> deny)
    : allow_(std::move(allow)), deny_(std::move(deny)) {}

CallablePolicy CallablePolicy::with_defaults(const std::vector<std::string>& extra_allow,
                                             const std::vector<std::string>& extra_deny) {
  std::vector<std::string> allow = default_allow();
  allow.insert(allow.end(), extra_allow.begin(), extra_allow.end());
  std::vector<std::string> deny = default_deny();
  deny.insert(deny.end(), extra_deny.begin(), extra_deny.end());
  return CallablePolicy(std::move(allow), std::move(deny));
}

CallableVerdict CallablePolicy::judge(const PickleGlobal& global) const {
  if (is_known_safe_exception(global.full_name())) return CallableVerdict::allowed;
  if (reaches_around_the_lists(global.name)) return CallableVerdict::denied;
  for (std::string_view part : dotted_parts(global.module)) {
    if (is_dunder(part) && part != "__main__") return CallableVerdict::denied;
  }
  for (const auto& pattern : deny_) {
    if (matches(pattern, global.module, global.name)) return CallableVerdict::denied;
  }
  for (const auto& pattern : allow_) {
    if (matches(pattern, global.module, global.name)) return CallableVerdict::allowed;
  }
  return CallableVerdict::unknown;
}

const std::vector<std::string>& CallablePolicy::default_allow() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out = {
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._utils._rebuild_qtensor",
        "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_wrapper_subclass",
        "torch._utils._rebuild_sparse_csr",
        "torch._utils._rebuild_nested_tensor",
        "torch.sparse_coo",
        "torch.sparse_csr",
        "torch.sparse_csc",
        "torch.sparse_bsr",
        "torch.sparse_bsc",
        "torch.strided",
        "torch._mkldnn",
        "torch.nn.modules",
        "torch._tensor._rebuild_from_type_v2",
        "torch.storage.UntypedStorage",
        "torch.storage.TypedStorage",
        "torch.Size",
        "torch.device",
        "torch.layout",
        "torch.memory_format",
        "torch.dtype",
        "torch.nn.parameter.Parameter",
        "torch.per_tensor_affine",
        "torch.per_channel_affine",
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.Counter",
        "collections.deque",
        "builtins.set",
        "builtins.frozenset",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.int",
        "builtins.float",
        "builtins.complex",
        "builtins.bool",
        "builtins.str",
        "builtins.bytes",
        "builtins.bytearray",
        "builtins.slice",
        "builtins.range",
        "copyreg._reconstructor",
        "builtins.object",
        "_codecs.encode",
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar",
        "numpy._core.multiarray.scalar",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer",
        "datetime.datetime",
        "datetime.date",
        "datetime.timedelta",
        "decimal.Decimal",
        "uuid.UUID",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.PurePosixPath",
        // NumPy arrays as joblib and pickle write them, and the random state sklearn keeps.
        "numpy.core.multiarray._reconstruct",
        "numpy.ma.core._mareconstruct",
        "numpy.random.mtrand.RandomState",
        "numpy.random._mt19937.MT19937",
        "numpy.random._pcg64.PCG64",
        "numpy.random._philox.Philox",
        "numpy.random._sfc64.SFC64",
        "numpy.random._generator.Generator",
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "joblib.numpy_pickle_compat.NDArrayWrapper",
        "joblib.numpy_pickle_compat.ZNDArrayWrapper",
        // scikit-learn estimators and their SciPy matrices (the submodules that can run
        // commands or fetch data are denied below).
        "sklearn",
        "scipy.sparse",
    };
    for (const char* storage :
         {"Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
          "ComplexFloat", "ComplexDouble", "QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4"}) {
      out.push_back(std::string("torch.") + storage + "Storage");
    }
    for (const char* dtype :
         {"float16",    "float32",       "float64",     "bfloat16", "half",   "float", "double",
          "int8",       "int16",         "int32",       "int64",    "uint8",  "bool",  "complex64",
          "complex128", "float8_e4m3fn", "float8_e5m2", "qint8",    "quint8", "qint32"}) {
      out.push_back(std::string("torch.") + dtype);
    }
    for (const char* dtype :
         {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
          "uint32", "uint64", "bool_", "complex64", "complex128"}) {
      out.push_back(std::string("numpy.") + dtype);
    }
    return out;
  }();
  return list;
}

const std::vector<std::string>& CallablePolicy::default_deny() {
  static const std::vector<std::string> list = {
      "os",
      "posix",
      "nt",
      "subprocess",
      "runpy",
      "pty",
      "socket",
      "socketserver",
      "shutil",
      "sys",
      "webbrowser",
      "importlib",
      "pickle",
      "_pickle",
      "dill",
      "cloudpickle",
      "marshal",
      "ctypes",
      "_ctypes",
      "code",
      "codeop",
      "commands",
      "multiprocessing",
      "asyncio",
      "signal",
      "http",
      "urllib",
      "requests",
      "ftplib",
      "smtplib",
      "telnetlib",
      "xmlrpc",
      "platform",
      "tempfile",
      "glob",
      "io.open",
      "types.CodeType",
      "types.FunctionType",
      "builtins.eval",
      "builtins.exec",
      "builtins.compile",
      "builtins.open",
      "builtins.getattr",
      "builtins.setattr",
      "builtins.delattr",
      "builtins.__import__",
      "builtins.globals",
      "builtins.locals",
      "builtins.vars",
      "builtins.input",
      "builtins.breakpoint",
      "builtins.help",
      "builtins.exit",
      "builtins.quit",
      "builtins.memoryview",
      "operator",
      "_operator",
      "functools",
      "_functools",
      "_posixsubprocess",
      "_imp",
      "_frozen_importlib",
      "_frozen_importlib_external",
      "zipimport",
      "pkgutil",
      "imp",
      "_thread",
      "threading",
      "_signal",
      "_winapi",
      "shelve",
      "copyreg.add_extension",
      "types.MethodType",
      "types.ModuleType",
      "sklearn.utils._testing",
      "sklearn.datasets",
      "sklearn.externals",
      "numpy.f2py",
      "numpy.distutils",
      "numpy.ctypeslib",
      "numpy.lib.npyio",
      "torch.ops",
      "torch.classes",
      "torch.package",
      "torch.fx",
      "torch.utils.cpp_extension",
      "torch.distributed",
      "torch.load",
      "torch.storage._load_from_bytes",
      "torch.hub",
      "torch.jit",
      "torch._C",
      "torch.serialization",
      "numpy.load",
      "numpy.testing",
      "joblib.load",
      "_io",
      "posixpath.os",
      "ntpath.os",
      "bdb",
      "pdb",
      "timeit",
      "trace",
      "profile",
      "cProfile",
      "site",
      "distutils",
      "setuptools",
      "pip",
  };
  return list;
}

}  // namespace gate::rules::model
