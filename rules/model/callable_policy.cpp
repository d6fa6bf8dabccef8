#include "rules/model/callable_policy.hpp"

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

bool reaches_through_dunder(const std::string& name) {
  // Protocol 4 resolves dotted names attribute by attribute: `f.__globals__` escapes any list.
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) return false;
    std::string part = name.substr(dot + 1, name.find('.', dot + 1) - dot - 1);
    if (part.size() > 2 && part.compare(0, 2, "__") == 0) return true;
    start = dot + 1;
  }
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
  if (reaches_through_dunder(global.name)) return CallableVerdict::denied;
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
      "operator.attrgetter",
      "operator.methodcaller",
      "operator.itemgetter",
      "functools.partial",
      "functools.reduce",
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
