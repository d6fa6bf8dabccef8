#include "rules/data/csv_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "rules/data/utf8.hpp"

namespace gate::data {

CsvReader::CsvReader(ByteStream& stream, char delimiter, ReaderLimits limits)
    : stream_(stream),
      delimiter_(delimiter),
      limits_(limits),
      buffer_(std::make_unique<char[]>(kBufferSize)),
      unquoted_special_({delimiter, '"', '\n', '\r', '\0'}),
      quoted_special_({'"', '\n', '\0'}) {
  // A delimiter that is itself special or not ASCII changes what a "plain" record is (and the
  // UTF-8 argument of read_plain_record): such dialects always take the general path.
  auto d = static_cast<unsigned char>(delimiter);
  plain_records_ = d < 0x80 && d != '"' && d != '\n' && d != '\r' && d != '\0';
}

bool CsvReader::fill() {
  if (eof_) return false;
  size_t n = stream_.read(buffer_.get(), kBufferSize);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  pos_ = 0;
  end_ = n;
  // A UTF-8 byte-order mark (every Excel export) is not part of the first header.
  if (consumed_ == 0 && n >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  consumed_ += n;
  return true;
}

void CsvReader::append(const char* data, size_t size, Row& row) {
  if (record_.size() + size <= field_start_ + limits_.max_field_bytes &&
      record_.size() + size <= limits_.max_record_bytes) {
    record_.append(data, size);  // the common case: well within both bounds
    return;
  }
  size_t field_size = record_.size() - field_start_;
  size_t field_room =
      limits_.max_field_bytes > field_size ? limits_.max_field_bytes - field_size : 0;
  size_t record_room =
      limits_.max_record_bytes > record_.size() ? limits_.max_record_bytes - record_.size() : 0;
  size_t room = std::min(field_room, record_room);
  if (size > room) {
    if (field_room <= record_room) {
      field_truncated_ = true;
    } else if (!record_truncated_) {
      record_truncated_ = true;
      row.issues.push_back({RowIssueKind::record_too_large, ends_.size() + 1,
                            "record longer than " + std::to_string(limits_.max_record_bytes) +
                                " bytes; the rest is not checked"});
    }
    size = room;
  }
  record_.append(data, size);
}

void CsvReader::end_field(Row& row) {
  size_t column = ends_.size() + 1;
  if (ends_.size() >= limits_.max_fields) {
    if (!fields_dropped_) {
      fields_dropped_ = true;
      row.issues.push_back({RowIssueKind::too_many_fields, column,
                            "more than " + std::to_string(limits_.max_fields) +
                                " fields; the rest are not checked"});
    }
    record_.resize(field_start_);
  } else {
    if (field_truncated_) {
      row.issues.push_back(
          {RowIssueKind::field_too_large, column,
           "field longer than " + std::to_string(limits_.max_field_bytes) + " bytes; truncated"});
      truncated_columns_.push_back(column);
    }
    if (field_has_nul_) row.issues.push_back({RowIssueKind::nul_byte, column, "NUL byte"});
    if (field_stray_quote_) {
      row.issues.push_back(
          {RowIssueKind::stray_quote, column, "quote character inside an unquoted field"});
    }
    ends_.push_back(record_.size());
  }
  field_start_ = record_.size();
  field_truncated_ = field_has_nul_ = field_stray_quote_ = false;
}

void CsvReader::finish_record(Row& row, uint64_t start_line) {
  row.number = ++records_ + blank_lines_;
  row.line = start_line;
  // One UTF-8 pass over the whole record (ASCII fast path); only a failing record is looked at
  // field by field. A truncated field may end inside a character: it is not judged.
  if (!valid_utf8(record_)) {
    size_t begin = 0;
    for (size_t i = 0; i < ends_.size(); ++i) {
      std::string_view field(record_.data() + begin, ends_[i] - begin);
      begin = ends_[i];
      bool truncated = std::find(truncated_columns_.begin(), truncated_columns_.end(), i + 1) !=
                       truncated_columns_.end();
      if (!truncated && !valid_utf8(field)) {
        row.issues.push_back({RowIssueKind::invalid_utf8, i + 1, "invalid UTF-8"});
      }
    }
  }
  size_t begin = 0;
  row.fields.reserve(ends_.size());
  for (size_t end : ends_) {
    row.fields.emplace_back(record_.data() + begin, end - begin);
    begin = end;
  }
}

bool CsvReader::next(Row& row) {
  row.clear();
  skip_line_ends();
  if (plain_records_ && pos_ < end_ && read_plain_record(row)) return true;
  return read_any_record(row);
}

// The blank lines and the LF of a CRLF before a record, exactly as read_any_record skips them.
void CsvReader::skip_line_ends() {
  while (pos_ < end_ || fill()) {
    char c = buffer_[pos_];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        ++pos_;
        continue;
      }
    }
    if (c != '\n' && c != '\r') return;
    ++pos_;
    ++line_;
    ++blank_lines_;
    skip_lf_ = c == '\r';
  }
}

bool CsvReader::read_plain_record(Row& row) {
  char* const base = buffer_.get();
  const char* const end = base + end_;
  const char* const record_start = base + pos_;
  const char* p = record_start;
  unsigned non_ascii = 0;
  // Where the first scan that met a byte above ASCII began: every byte before it is ASCII, so
  // UTF-8 checking can start there, on a character boundary.
  const char* validate_from = nullptr;
  uint64_t quoted_newlines = 0;
  size_t content_bytes = 0;
  // Locals, not members: stores into row.fields could otherwise alias them in the compiler's eyes.
  const char delimiter = delimiter_;
  const size_t max_fields = limits_.max_fields;
  // A record inside the buffer is shorter than the buffer: only smaller limits need a look.
  const bool check_sizes =
      limits_.max_field_bytes < kBufferSize || limits_.max_record_bytes < kBufferSize;
  escaped_fields_.clear();
  auto give_up = [&] {
    row.fields.clear();
    return false;
  };
  size_t count = 0;
  // Adds the field [begin, field_end); false when the general path must take the record.
  auto add_field = [&](const char* begin, const char* field_end) {
    if (count++ >= max_fields) return false;
    size_t field_bytes = static_cast<size_t>(field_end - begin);
    if (check_sizes) {
      // Raw sizes: "" counted twice can only make this stricter than the general path.
      content_bytes += field_bytes;
      if (field_bytes > limits_.max_field_bytes || content_bytes > limits_.max_record_bytes) {
        return false;
      }
    }
    row.fields.emplace_back(begin, field_bytes);
    return true;
  };
  const char* field_begin = p;
  for (;;) {
    if (p == field_begin && p < end && *p == '"') {  // a quoted field: scanned to its end
      bool escaped = false;
      const char* q = p + 1;
      for (;;) {
        const char* from = q;
        q = quoted_special_.find(q, end, non_ascii);
        if (non_ascii != 0 && validate_from == nullptr) validate_from = from;
        if (q == end || *q == '\0') return give_up();
        if (*q == '\n') {
          ++quoted_newlines;
          ++q;
          continue;
        }
        if (q + 1 == end) return give_up();  // closing quote or the first of ""?
        if (q[1] != '"') break;
        escaped = true;
        q += 2;
      }
      if (q[1] != delimiter && q[1] != '\n' && q[1] != '\r') return give_up();
      if (escaped) escaped_fields_.push_back(count);
      if (!add_field(p + 1, q)) return give_up();
      p = q + 2;
      if (q[1] != delimiter) break;  // LF or CR: the record is complete
      field_begin = p;
      continue;
    }
    // Unquoted fields, 64 (near the buffer's end 16) bytes at a time: each special byte ends a
    // field (or the record) unless it is a quote or NUL, which only the general path reports.
    // Wide chunks mean few mispredicted exits from the loop over their bits.
    if (end - p < 16) return give_up();
    const size_t width = end - p >= 64 ? 64 : 16;
    uint64_t mask = width == 64 ? unquoted_special_.mask64(p, non_ascii)
                                : unquoted_special_.mask16(p, non_ascii);
    if (non_ascii != 0 && validate_from == nullptr) validate_from = p;
    bool record_done = false;
    bool quote_next = false;
    while (mask != 0) {
      const char* special = p + std::countr_zero(mask);
      mask &= mask - 1;
      char c = *special;
      if (c != delimiter && c != '\n' && c != '\r') return give_up();
      if (!add_field(field_begin, special)) return give_up();
      field_begin = special + 1;
      if (c != delimiter) {
        record_done = true;
        break;
      }
      if (field_begin < end && *field_begin == '"') {
        quote_next = true;
        break;
      }
    }
    if (record_done) {
      p = field_begin;
      break;
    }
    p = quote_next ? field_begin : p + width;
  }
  // Delimiters, quotes and line ends are ASCII, so the raw record is valid UTF-8 exactly when
  // every field is. An invalid one goes to the general path for its per-field report.
  if (non_ascii != 0 && !valid_utf8(std::string_view(validate_from, p - validate_from))) {
    return give_up();
  }
  for (size_t index : escaped_fields_) {
    // Every quote inside is the first of a "" pair: keep it, drop the second, moving the text
    // after it down. Nothing before the first pair moves.
    std::string_view field = row.fields[index];
    char* const begin = base + (field.data() - base);
    const char* const stop = field.data() + field.size();
    char* out = static_cast<char*>(std::memchr(begin, '"', field.size())) + 1;
    const char* in = out + 1;
    while (in < stop) {
      const auto* quote = static_cast<const char*>(std::memchr(in, '"', stop - in));
      const char* piece_end = quote != nullptr ? quote + 1 : stop;
      std::memmove(out, in, static_cast<size_t>(piece_end - in));
      out += piece_end - in;
      if (quote == nullptr) break;
      in = quote + 2;
    }
    row.fields[index] = std::string_view(begin, static_cast<size_t>(out - begin));
  }
  skip_lf_ = p[-1] == '\r';
  row.number = ++records_ + blank_lines_;
  row.line = line_;
  line_ += quoted_newlines + 1;
  pos_ = static_cast<size_t>(p - base);
  return true;
}

bool CsvReader::read_any_record(Row& row) {
  record_.clear();
  ends_.clear();
  field_start_ = 0;
  field_truncated_ = field_has_nul_ = field_stray_quote_ = false;
  record_truncated_ = fields_dropped_ = false;
  truncated_columns_.clear();
  State state = State::field_start;
  bool started = false;
  uint64_t start_line = line_;
  uint64_t quote_line = 0;

  for (;;) {
    if (pos_ == end_ && !fill()) {
      if (!started) return false;
      if (state == State::quoted) {
        row.issues.push_back(
            {RowIssueKind::unterminated_quote, ends_.size() + 1,
             "quoted field opened on line " + std::to_string(quote_line) + " is never closed"});
      }
      end_field(row);
      finish_record(row, start_line);
      return true;
    }
    char c = buffer_[pos_];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        ++pos_;
        continue;
      }
    }
    if (!started) {
      if (c == '\n' || c == '\r') {  // blank line: no record
        ++pos_;
        ++line_;
        ++blank_lines_;
        skip_lf_ = c == '\r';
        continue;
      }
      started = true;
      start_line = line_;
    }
    switch (state) {
      case State::field_start:
        if (c == '"') {
          state = State::quoted;
          quote_line = line_;
          ++pos_;
          continue;
        }
        state = State::unquoted;
        [[fallthrough]];
      case State::unquoted:
      case State::after_closing: {
        const char* data = buffer_.get();
        unsigned ignored = 0;
        size_t i = unquoted_special_.find(data + pos_, data + end_, ignored) - data;
        if (i > pos_) {
          if (state == State::after_closing) field_stray_quote_ = true;
          append(data + pos_, i - pos_, row);
          pos_ = i;
          state = State::unquoted;
          if (i == end_) continue;
        }
        c = data[pos_];
        ++pos_;
        if (c == delimiter_) {
          end_field(row);
          state = State::field_start;
        } else if (c == '\n' || c == '\r') {
          ++line_;
          skip_lf_ = c == '\r';
          end_field(row);
          finish_record(row, start_line);
          return true;
        } else if (c == '"') {
          field_stray_quote_ = true;
          append(&c, 1, row);
        } else {  // NUL
          field_has_nul_ = true;
          append(&c, 1, row);
        }
        break;
      }
      case State::quoted: {
        const char* data = buffer_.get();
        unsigned ignored = 0;
        size_t i = quoted_special_.find(data + pos_, data + end_, ignored) - data;
        if (i > pos_) {
          append(data + pos_, i - pos_, row);
          pos_ = i;
          if (i == end_) continue;
        }
        c = data[pos_];
        ++pos_;
        if (c == '"') {
          state = State::quote_seen;
        } else {
          if (c == '\n') ++line_;
          if (c == '\0') field_has_nul_ = true;
          append(&c, 1, row);
        }
        break;
      }
      case State::quote_seen:
        if (c == '"') {  // "" is an escaped quote
          append(&c, 1, row);
          ++pos_;
          state = State::quoted;
        } else {
          state = State::after_closing;
        }
        break;
    }
  }
}

}  // namespace gate::data
