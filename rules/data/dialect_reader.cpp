#include "rules/data/dialect_reader.hpp"

#include <algorithm>
#include <cstring>

#include "rules/data/utf8.hpp"

namespace gate::data {

namespace {
constexpr size_t kBufferSize = 64 * 1024;
}

DialectCsvReader::DialectCsvReader(ByteStream& stream, const CsvDialect& dialect, char delimiter,
                                   ReaderLimits limits)
    : stream_(stream),
      dialect_(dialect),
      delimiter_(delimiter),
      limits_(limits),
      buffer_(std::make_unique<char[]>(kBufferSize)) {}

int DialectCsvReader::peek() {
  if (pos_ == end_) {
    if (eof_) return -1;
    end_ = stream_.read(buffer_.get(), kBufferSize);
    pos_ = 0;
    if (end_ == 0) {
      eof_ = true;
      return -1;
    }
    if (!started_) {
      started_ = true;
      if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
      if (pos_ == end_) return peek();
    }
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int DialectCsvReader::get() {
  int c = peek();
  if (c >= 0) ++pos_;
  return c;
}

void DialectCsvReader::add(char c) {
  if (record_.size() - field_start_ >= limits_.max_field_bytes ||
      record_.size() >= limits_.max_record_bytes) {
    field_truncated_ = true;
    return;
  }
  record_ += c;
}

void DialectCsvReader::end_field(Row& row) {
  if (ends_.size() >= limits_.max_fields) {
    record_.resize(field_start_);
    if (ends_.size() == limits_.max_fields) {
      row.issues.push_back({RowIssueKind::too_many_fields, ends_.size() + 1,
                            "more than " + std::to_string(limits_.max_fields) +
                                " fields; the rest are not checked"});
      ends_.push_back(record_.size());  // marks the issue as reported; dropped below
    }
  } else {
    if (field_truncated_) {
      row.issues.push_back(
          {RowIssueKind::field_too_large, ends_.size() + 1,
           "field longer than " + std::to_string(limits_.max_field_bytes) + " bytes; truncated"});
    }
    ends_.push_back(record_.size());
  }
  field_start_ = record_.size();
  field_truncated_ = false;
}

bool DialectCsvReader::next(Row& row) {
  row.clear();
  for (;;) {
    record_.clear();
    ends_.clear();
    field_start_ = 0;
    field_truncated_ = false;
    int c = peek();
    if (c < 0) return false;
    uint64_t start_line = line_;
    uint64_t number = ++rows_;
    if (c == '\n' || c == '\r') {  // blank line
      get();
      if (c == '\r' && peek() == '\n') get();
      ++line_;
      ++blank_lines_;
      continue;
    }
    bool comment = (dialect_.comment && c == static_cast<unsigned char>(*dialect_.comment)) ||
                   std::find(dialect_.comment_rows.begin(), dialect_.comment_rows.end(), number) !=
                       dialect_.comment_rows.end();
    bool in_quotes = false;
    bool at_field_start = true;
    bool quoted_field = false;
    uint64_t quote_line = 0;
    for (;;) {
      c = get();
      if (c < 0) {
        if (in_quotes) {
          row.issues.push_back(
              {RowIssueKind::unterminated_quote, ends_.size() + 1,
               "quoted field opened on line " + std::to_string(quote_line) + " is never closed"});
        }
        break;
      }
      char ch = static_cast<char>(c);
      if (in_quotes) {
        if (dialect_.escape && ch == *dialect_.escape) {
          int escaped = get();
          if (escaped >= 0) add(static_cast<char>(escaped));
        } else if (ch == dialect_.quote) {
          if (dialect_.double_quote && peek() == static_cast<unsigned char>(dialect_.quote)) {
            get();
            add(ch);
          } else {
            in_quotes = false;
          }
        } else {
          if (ch == '\n' || (ch == '\r' && peek() != '\n')) ++line_;
          add(ch);
        }
        continue;
      }
      if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && peek() == '\n') get();
        ++line_;
        break;
      }
      if (ch == delimiter_) {
        end_field(row);
        at_field_start = true;
        quoted_field = false;
        continue;
      }
      if (at_field_start && dialect_.skip_initial_space && ch == ' ') continue;
      if (dialect_.escape && ch == *dialect_.escape) {
        int escaped = get();
        if (escaped >= 0) add(static_cast<char>(escaped));
        at_field_start = false;
        continue;
      }
      if (dialect_.quoting && ch == dialect_.quote && at_field_start && !quoted_field) {
        in_quotes = quoted_field = true;
        quote_line = line_;
        at_field_start = false;
        continue;
      }
      at_field_start = false;
      add(ch);
    }
    if (comment) {
      row.clear();
      continue;
    }
    end_field(row);
    if (ends_.size() > limits_.max_fields) ends_.resize(limits_.max_fields);
    row.number = number;
    row.line = start_line;
    size_t begin = 0;
    for (size_t end : ends_) {
      std::string_view field(record_.data() + begin, end - begin);
      if (!valid_utf8(field)) {
        row.issues.push_back({RowIssueKind::invalid_utf8, row.fields.size() + 1, "invalid UTF-8"});
      }
      row.fields.push_back(field);
      begin = end;
    }
    return true;
  }
}

}  // namespace gate::data
