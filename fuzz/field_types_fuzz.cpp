// Fuzz target: the Table Schema value checkers beyond plain scalars (strptime formats, times,
// loose dates, durations, year-months, geopoints, GeoJSON, JSON objects and arrays, WKT) and the
// CSV dialect reader. The first byte picks the checker; for strptime the text up to the first
// newline is the format. Each must answer, never crash, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/types/blob_source.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dialect_reader.hpp"
#include "rules/data/field_types.hpp"
#include "rules/data/table_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace gate::data;
  switch (data[0] % 11) {
    case 0: {
      size_t newline = text.find('\n');
      std::string_view format = text.substr(0, newline);
      std::string_view value = newline == std::string_view::npos ? "" : text.substr(newline + 1);
      matches_strptime(format, value);
      break;
    }
    case 1:
      valid_time(text);
      break;
    case 2:
      valid_loose_date(text, (data[0] & 0x80) != 0);
      break;
    case 3:
      valid_duration(text);
      break;
    case 4:
      valid_yearmonth(text);
      break;
    case 5:
      valid_geopoint(text, static_cast<GeoFormat>((data[0] >> 4) % 3));
      break;
    case 6:
      valid_geojson(text, (data[0] & 0x80) != 0);
      break;
    case 7:
      valid_json_container(text, (data[0] & 0x80) != 0);
      break;
    case 8:
      valid_wkt(text);
      break;
    case 9: {
      // A dialect from the bytes' own bits over the rest of the bytes.
      CsvDialect dialect;
      dialect.quote = (data[0] & 0x10) ? '\'' : '"';
      if (data[0] & 0x20) dialect.escape = '\\';
      dialect.double_quote = (data[0] & 0x40) == 0;
      dialect.skip_initial_space = (data[0] & 0x80) != 0;
      dialect.comment = '#';
      ReaderLimits limits;
      limits.max_field_bytes = 64;
      limits.max_record_bytes = 512;
      limits.max_fields = 16;
      auto stream = gate::stream_over(std::string(text));
      DialectCsvReader reader(*stream, dialect, ';', limits);
      Row row;
      while (reader.next(row)) {
        if (row.fields.size() > limits.max_fields) __builtin_trap();
        for (auto field : row.fields) {
          if (field.size() > limits.max_field_bytes) __builtin_trap();
        }
      }
      break;
    }
    default: {
      try {
        read_dialect(parse_bounded_json(text));
      } catch (const SchemaError&) {
      }
      break;
    }
  }
  return 0;
}
