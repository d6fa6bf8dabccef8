#pragma once

#include <string_view>

namespace gate::data {

// The Table Schema types and formats beyond the plain scalars, as frictionless-py reads them.
// Each is a pure check of one cell: no allocation beyond the JSON ones, bounded work.

// Python strptime semantics for a format such as "%d/%m/%y %H:%M" (a leading "fmt:" is the
// Table Schema v0 spelling): directives %d %m %y %Y %H %I %M %S %f %p %b %B %a %A %j %z %Z %%,
// whitespace in the format matching any run of whitespace, letters compared without case, and
// the calendar date checked (no 30 February).
bool matches_strptime(std::string_view format, std::string_view text);

// hh:mm:ss[.f][Z|+hh:mm|+hhmm] (the time type's default format).
bool valid_time(std::string_view text);

// A date or time written loosely, as dateutil's parser accepts it ("10th Jan 1969", "3:00 am"):
// numbers (with ordinal suffixes), month and weekday names, am/pm, time zone names and
// separators; any other word makes the value invalid. `need_time`: a time value (no date words).
bool valid_loose_date(std::string_view text, bool need_time);

// ISO 8601 duration: P[nY][nM][nW][nD][T[nH][nM][nS]], components in that order, at least one.
bool valid_duration(std::string_view text);

// YYYY-MM with a month from 1 to 12.
bool valid_yearmonth(std::string_view text);

enum class GeoFormat { point_text, array, object };
// "lon, lat" / [lon, lat] / {"lon": .., "lat": ..} with lon in [-180, 180] and lat in [-90, 90].
bool valid_geopoint(std::string_view text, GeoFormat format);

// A GeoJSON object (RFC 7946: Feature, FeatureCollection or a geometry with its members), or
// with `topojson` an object with a string "type".
bool valid_geojson(std::string_view text, bool topojson);

// A JSON object (`object` type) or array (`array` type), nesting bounded.
bool valid_json_container(std::string_view text, bool want_object);

// Well-known text geometry: a keyword (with Z, M or ZM), then EMPTY or a parenthesised list of
// coordinates and nested geometries.
bool valid_wkt(std::string_view text);

}  // namespace gate::data
