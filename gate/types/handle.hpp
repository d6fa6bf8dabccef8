#pragma once

#include <memory>

namespace gate {

// The one owner of a C library handle: Handle<sqlite3_stmt, sqlite3_finalize>,
// Handle<git_repository, git_repository_free>, Handle<EVP_PKEY, EVP_PKEY_free>. `Free` runs once
// on a non-null handle; its return value, if any, is ignored (there is nothing to do with it in
// a destructor).
template <typename T, auto Free>
struct HandleDeleter {
  void operator()(T* handle) const {
    if (handle) Free(handle);
  }
};

template <typename T, auto Free>
using Handle = std::unique_ptr<T, HandleDeleter<T, Free>>;

}  // namespace gate
