#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// How a data file is compressed, by its name or its resource's `compression`.
enum class Compression { none, gzip, bzip2, xz, zip };

// ".gz", ".bz2", ".xz" or ".zip" at the end of `path` (any case); none otherwise.
Compression compression_of(std::string_view path);
// A resource's `compression` value ("gz", "gzip", "bz2", "xz", "zip"); nullopt when unknown.
std::optional<Compression> compression_named(std::string_view name);
// `path` without its compression suffix ("t.csv.gz" -> "t.csv").
std::string_view without_compression(std::string_view path);

// The decompressed bytes of `compressed` (libarchive: raw gzip, bzip2 and xz streams, and the
// first file of a zip archive), streamed in constant memory. Decompressed output is capped at
// `max_bytes` (a decompression bomb stops there). A corrupt stream throws RuleError naming
// `path`.
std::unique_ptr<ByteStream> open_decompressed(std::unique_ptr<ByteStream> compressed,
                                              Compression compression, const std::string& path,
                                              uint64_t max_bytes);

}  // namespace gate::data
