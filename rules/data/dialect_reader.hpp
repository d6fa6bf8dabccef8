#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "rules/data/row.hpp"

namespace gate::data {

// A CSV Dialect (Frictionless, `dialect` of a resource): how the bytes of a delimited file are
// read. Defaults are RFC 4180's.
struct CsvDialect {
  char delimiter = 0;  // 0: the format's (',' for CSV, tab for TSV)
  bool header = true;
  std::vector<uint64_t> header_rows;  // 1-based rows joined into the header (default {1})
  char quote = '"';
  bool quoting = true;                 // quoteChar given as "" turns quoting off
  std::optional<char> escape;          // escapeChar: the next character is taken as it is
  bool double_quote = true;            // "" inside a quoted field is one quote
  bool skip_initial_space = false;     // spaces after a delimiter are dropped
  std::optional<char> comment;         // commentChar: lines starting with it are not rows
  std::vector<uint64_t> comment_rows;  // 1-based rows that are comments

  // Whether the bytes need the general dialect reader rather than the fast RFC 4180 one.
  bool needs_dialect_reader() const {
    return quote != '"' || !quoting || escape || !double_quote || skip_initial_space || comment ||
           !comment_rows.empty();
  }
};

// A plain streaming reader for every dialect option, for the few files that declare one: one
// character at a time, in constant memory (the ReaderLimits of the fast reader apply). Blank
// lines yield no record but count as rows, as in CsvReader.
class DialectCsvReader {
 public:
  DialectCsvReader(ByteStream& stream, const CsvDialect& dialect, char delimiter,
                   ReaderLimits limits = {});

  bool next(Row& row);
  uint64_t blank_lines() const { return blank_lines_; }

 private:
  int get();  // the next byte, or -1 at the end
  int peek();
  void end_field(Row& row);
  void add(char c);

  ByteStream& stream_;
  CsvDialect dialect_;
  char delimiter_;
  ReaderLimits limits_;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  uint64_t line_ = 1;
  uint64_t rows_ = 0;  // records, blank lines and comment lines so far
  uint64_t blank_lines_ = 0;
  std::string record_;
  std::vector<size_t> ends_;
  size_t field_start_ = 0;
  bool field_truncated_ = false;
};

}  // namespace gate::data
