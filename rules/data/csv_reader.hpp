#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "rules/data/byte_scan.hpp"
#include "rules/data/row.hpp"

namespace gate::data {

// Streaming RFC 4180 reader for CSV and TSV over a ByteStream, in constant memory: a fixed read
// buffer plus one record, whose fields are bounded by ReaderLimits (longer ones are truncated and
// reported, never grown without limit). Accepts LF, CRLF and lone CR line ends, quoted fields
// spanning lines and "" escapes. Hostile bytes (unterminated quotes, NUL, invalid UTF-8, text
// after a closing quote) become RowIssues on the record; the reader itself never throws on
// content. Blank lines yield no record but count as rows (record numbers skip them).
//
// A hand-written state machine rather than libcsv: libcsv grows its field buffer without bound
// and does not report physical line numbers, both of which Gate needs.
class CsvReader {
 public:
  // Small enough that the buffer stays in a core's L2 cache while its records are checked (a
  // quarter of a megabyte measured about 12% slower).
  static constexpr size_t kBufferSize = 64 * 1024;

  CsvReader(ByteStream& stream, char delimiter, ReaderLimits limits = {});

  // Reads the next record into `row` (views valid until the next call); false at the end.
  bool next(Row& row);
  uint64_t bytes_consumed() const { return consumed_; }
  // Empty lines read so far: each is a row of its own (Frictionless numbers rows physically and
  // reports them as blank rows), so record numbers skip them.
  uint64_t blank_lines() const { return blank_lines_; }

 private:
  enum class State { field_start, unquoted, quoted, quote_seen, after_closing };

  bool fill();
  void skip_line_ends();
  // The common record, wholly in the buffer and with nothing to report (no NUL, stray or open
  // quote, limit or bad UTF-8): its fields are views into the buffer, "" undone in place. Returns
  // false having consumed nothing otherwise, and read_any_record reads it from the same place.
  bool read_plain_record(Row& row);
  // The general state machine: records across buffer refills, and every issue.
  bool read_any_record(Row& row);
  void append(const char* data, size_t size, Row& row);
  void end_field(Row& row);
  void finish_record(Row& row, uint64_t start_line);

  ByteStream& stream_;
  char delimiter_;
  ReaderLimits limits_;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
  bool skip_lf_ = false;  // the previous record ended with CR: a following LF belongs to it
  uint64_t line_ = 1;
  uint64_t records_ = 0;
  uint64_t blank_lines_ = 0;
  std::string record_;
  std::vector<size_t> ends_;  // end offset of each field in record_
  std::vector<size_t> truncated_columns_;
  size_t field_start_ = 0;
  bool field_truncated_ = false;
  bool field_has_nul_ = false;
  bool field_stray_quote_ = false;
  bool record_truncated_ = false;
  bool fields_dropped_ = false;
  ByteFinder<5> unquoted_special_;      // delimiter, quote, LF, CR, NUL
  ByteFinder<3> quoted_special_;        // quote, LF, NUL
  bool plain_records_;                  // the delimiter allows read_plain_record
  std::vector<size_t> escaped_fields_;  // read_plain_record: fields whose "" are undone at the end
};

}  // namespace gate::data
