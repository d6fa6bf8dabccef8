#pragma once

#include <memory>
#include <string_view>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// The bytes of a table in a declared single-byte encoding (a resource's `encoding`: latin1,
// iso-8859-1 and their spellings) as UTF-8, streamed. UTF-8 and unknown names are passed through
// unchanged, so undeclared Latin-1 still reports as invalid UTF-8.
std::unique_ptr<ByteStream> open_transcoded(std::unique_ptr<ByteStream> stream,
                                            std::string_view encoding);

}  // namespace gate::data
